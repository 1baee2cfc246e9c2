import { createHash } from 'node:crypto';
import type { NextApiRequest, NextApiResponse } from 'next';
import { getStore } from '../db';
import type { KeyedWrites } from '../db/store';
import type { RequestSession } from 'next-auth-server-session';
import { sessionOrThrow } from './require-session';
import { RouteError } from './route-error';

/** How long a key's first result is kept for its retries (Stripe keeps keys 24 hours too). */
const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
const KEY_PATTERN = /^[\x20-\x7E]{1,200}$/;

/** A success answer of a mutating route: recorded with its key and replayed to retries. */
export interface MutationAnswer {
  status: number;
  body: Record<string, unknown>;
}

export interface MutationRequest {
  req: NextApiRequest;
  res: NextApiResponse;
  session: RequestSession;
  userId: string;
  /** The parsed JSON body: with the method and path, what a key is bound to. */
  body: unknown;
}

/** The request's `Idempotency-Key`: null without one, 400 when it is not 1-200 printable ASCII characters. */
function readIdempotencyKey(req: NextApiRequest): string | null {
  const value = req.headers['idempotency-key'];
  if (value === undefined) return null;
  if (typeof value !== 'string' || !KEY_PATTERN.test(value)) {
    throw new RouteError(400, 'Idempotency-Key must be 1 to 200 printable ASCII characters');
  }
  return value;
}

/**
 * A fresh key beyond the user's live ones: 429, as for any other limit, with the wait until
 * the oldest key expires. A retry of a key already held still replays; a write sent without
 * a key is not counted.
 */
function tooManyKeys(retryAfterMs: number): RouteError {
  const retryAfterSeconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new RouteError(
    429,
    `Too many Idempotency-Keys in use by this account (each is kept ${IDEMPOTENCY_TTL_MS / 3_600_000} hours); retry in ${retryAfterSeconds} s, or send the write without a key`,
    { retryAfterSeconds },
    { 'Retry-After': String(retryAfterSeconds) },
  );
}

function hashRequest(req: NextApiRequest, body: unknown): string {
  const path = (req.url ?? '').split('?')[0];
  return createHash('sha256').update(`${req.method ?? ''} ${path}\n${JSON.stringify(body) ?? ''}`).digest('base64url');
}

/**
 * A replay answers the recorded body; its session cookie is issued afresh for this
 * request's own session, never stored: a stored Set-Cookie would keep a bearer token at rest
 * and bring back claims the store has moved on from. The key is per user, so the session
 * updated here is the same user's whose write is replayed.
 */
async function replay({ res, session }: MutationRequest, answer: MutationAnswer): Promise<void> {
  sessionOrThrow(await session.update());
  res.status(answer.status).json(answer.body);
}

/**
 * Runs a route's write and answers, at most once per `Idempotency-Key` (per user): the key
 * is recorded in the write's own transaction, so a retry of a request that timed out (503)
 * after its write committed replays instead of writing again. Without the header the write
 * simply runs. `answer` maps the store's outcome to the success answer (it issues the
 * session) or throws the route's error, which is not recorded: a retry maps the recorded
 * outcome to the same error again.
 *
 * @example
 * await answerMutation(
 *   { req, res, session, userId, body },
 *   (writes) => writes.addToCart(userId, productId, quantity),
 *   async (outcome) => {
 *     assertCartChanged(outcome, productId);
 *     return { status: 200, body: { session: sessionOrThrow(await session.update()) } };
 *   },
 * );
 */
export async function answerMutation<T>(
  request: MutationRequest,
  write: (writes: KeyedWrites) => Promise<T>,
  answer: (outcome: T) => Promise<MutationAnswer>,
): Promise<void> {
  const { req, res, userId } = request;
  const key = readIdempotencyKey(req);
  const store = await getStore();
  if (key === null) {
    const reply = await answer(await write(store));
    return void res.status(reply.status).json(reply.body);
  }
  const claim = { userId, key, requestHash: hashRequest(req, request.body), expiresAtMs: Date.now() + IDEMPOTENCY_TTL_MS };
  const result = await store.applyOnce(claim, write);
  if (result.status === 'key-reused') throw new RouteError(422, 'This Idempotency-Key was already used for a different request');
  if (result.status === 'too-many-keys') throw tooManyKeys(result.retryAfterMs);
  if (result.status === 'replayed') {
    res.setHeader('Idempotent-Replayed', 'true'); // as Stripe marks it: this request wrote nothing
    if (result.answer) return replay(request, result.answer as MutationAnswer);
  }
  // Applied now, or by an earlier request that never answered (it timed out after the write).
  const reply = await answer(result.outcome);
  // Best effort: should it fail, the outcome is on record and a retry derives the answer again.
  await store.recordAnswer(userId, key, reply).catch(() => undefined);
  res.status(reply.status).json(reply.body);
}
