import type { JWT } from 'next-auth/jwt';
import type { Store } from '../db/store';
import { StoreUnavailableError } from '../db/store';
import type { JwtCallbackParams, SessionCallbacks } from '../session/callbacks';
import { isReportingStoreErrors, SessionEndedError } from '../session/errors';
import { projectClaims, toSession } from './claims';
import { isEmptyPatch, parseSessionPatch } from './session-patch';

export interface CallbackDeps {
  getStore(): Promise<Store>;
  warn(message: string): void;
}

async function claimsForUser(store: Store, userId: string): Promise<JWT> {
  const [user, cart] = await Promise.all([store.findUserById(userId), store.getCart(userId)]);
  if (!user) throw new SessionEndedError('user-not-found');
  return projectClaims(user, cart);
}

/**
 * trigger "update": the patch (client data on next-auth's path) is validated by the one
 * merge policy, written to the store, and the claims are re-projected from the store.
 * An invalid patch changes nothing: on next-auth's path there is no way to answer 400,
 * and throwing would sign the user out.
 */
async function applyUpdate(deps: CallbackDeps, token: JWT, patchInput: unknown): Promise<JWT> {
  if (typeof token.sub !== 'string') throw new SessionEndedError('no-subject');
  const store = await deps.getStore();
  const parsed = parseSessionPatch(patchInput);
  if (!parsed.ok) deps.warn(`[session] refused patch: ${parsed.issues.map((issue) => issue.message).join('; ')}`);
  if (parsed.ok && !isEmptyPatch(parsed.patch)) {
    const updated = await store.updateProfile(token.sub, parsed.patch);
    if (!updated) throw new SessionEndedError('user-not-found');
  }
  return claimsForUser(store, token.sub);
}

export function createSessionCallbacks(deps: CallbackDeps): SessionCallbacks {
  async function jwt({ token, user, trigger, session }: JwtCallbackParams): Promise<JWT> {
    // Sign-in: the claims come from the store, never from the provider's profile.
    if (user) return claimsForUser(await deps.getStore(), user.id);
    try {
      if (trigger === 'update') return await applyUpdate(deps, token, session);
      return token;
    } catch (error) {
      if (error instanceof StoreUnavailableError && !isReportingStoreErrors()) {
        deps.warn('[session] store unavailable; keeping the current token');
        return token;
      }
      throw error;
    }
  }

  return {
    jwt,
    session: ({ session, token }) => toSession(token, session.expires),
  };
}
