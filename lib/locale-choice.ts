import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { assertSameOrigin, readFormBody, refuseEndedSession, requireSessionForWrite, RouteError } from './api';
import { getStore } from './db';
import { getEnv } from './env';
import { LOCALES, type Preferences } from './preferences';
import type { RequestSession } from 'next-auth-server-session';

/** The form posts one short field; a body near this size is not the form. */
const FORM_MAX_BYTES = 1024;

const localeChoiceSchema = z.object({ locale: z.enum(LOCALES) });

/**
 * A locale the user chose in a form posted to a page (POST /welcome), written to the store.
 * The request is checked as a mutating API route's is: same origin (403; a page's form has no
 * other CSRF defence), the body (415, 413 past 1 KB, 408, 400), the session (401: signed
 * out, revoked, disabled), the locale one of the app's (400). The write is guarded: a session
 * revoked after the check writes nothing (401). The caller's `update()` then projects it.
 * @example
 * const locale = await applyLocaleChoice(req, session);
 * const updated = sessionOrThrow(await session.update());
 */
export async function applyLocaleChoice(req: IncomingMessage, session: RequestSession): Promise<Preferences['locale']> {
  assertSameOrigin(req, getEnv().appUrl.origin);
  const form = await readFormBody(req, { maxBytes: FORM_MAX_BYTES });
  const { userId, guard } = await requireSessionForWrite(session);
  const choice = localeChoiceSchema.safeParse({ locale: form.get('locale') });
  if (!choice.success) throw new RouteError(400, `Choose one of the app's locales: ${LOCALES.join(', ')}`);
  const { locale } = choice.data;
  if (!(await (await getStore()).updateProfile(userId, { preferences: { locale } }, guard))) await refuseEndedSession(session, userId);
  return locale;
}
