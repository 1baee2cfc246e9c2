import { createHash } from 'node:crypto';
import type { RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimiterStore } from '../db/rate-limiter-store';
import { ipLimitKey } from './client-ip';

/**
 * Sign-in throttling after rate-limiter-flexible's "login endpoint protection" recipe
 * (wiki: Brute-force protection, and its Dynamic block duration example):
 * - consecutive failures per account + client IP: after `maxFailures`, the next attempt is
 *   refused and the pair is blocked, for `firstBlockSeconds` doubling with every further
 *   block up to `maxBlockSeconds`; a success resets both counts. Keyed by account *and* IP,
 *   so an attacker elsewhere cannot lock the owner out;
 * - failures per IP a day, across accounts (`maxFailuresPerIpPerDay`), for the slow
 *   guesser who spreads tries over many accounts.
 * Unlike the recipe, an attempt takes its point *before* the password is checked (and gets
 * it back unless it failed): the check and the count are then one atomic upsert, so a burst
 * of parallel guesses cannot all pass the check before the first failure is counted.
 */

export interface SignInLimits {
  maxFailures: number;
  maxFailuresPerIpPerDay: number;
  /** Default 60 s. */
  firstBlockSeconds?: number;
  /** Default 1 h, the recipe's block. */
  maxBlockSeconds?: number;
  /** How long failures and blocks are remembered without a success. Default 90 days, as in the recipe. */
  memorySeconds?: number;
}

export interface SignInAttempt {
  /** As submitted; compared trimmed and lower-cased. */
  email: string;
  ip: string;
}

/** What the route learnt from next-auth: `not-checked` = no password was compared (bad CSRF token, store outage). */
export type SignInOutcome = 'succeeded' | 'failed' | 'not-checked';

export interface AttemptTicket {
  readonly accountKey: string;
  readonly ipKey: string;
}

export type ThrottleDecision = { allowed: true; ticket: AttemptTicket } | { allowed: false; retryAfterSeconds: number };

export interface SignInThrottle {
  /** Before the password check: refuses, or takes the attempt's point and lets it run. */
  begin(attempt: SignInAttempt): Promise<ThrottleDecision>;
  /** After next-auth answered. */
  settle(ticket: AttemptTicket, outcome: SignInOutcome): Promise<void>;
}

const DAY_SECONDS = 24 * 60 * 60;
const DEFAULTS = { firstBlockSeconds: 60, maxBlockSeconds: 60 * 60, memorySeconds: 90 * DAY_SECONDS };

/** The block after `blockCount` blocks (1 = the first): doubling, capped. */
function blockSecondsFor(blockCount: number, firstBlockSeconds: number, maxBlockSeconds: number): number {
  return Math.min(firstBlockSeconds * 2 ** Math.max(0, blockCount - 1), maxBlockSeconds);
}

/** Hashed: fixed length for the store's key column, and no email at rest in the limiter table. */
function accountKeyOf({ email, ip }: SignInAttempt): string {
  return createHash('sha256').update(`${email.trim().toLowerCase()}\n${ipLimitKey(ip)}`).digest('base64url');
}

const secondsUntil = (res: RateLimiterRes) => Math.max(1, Math.ceil(res.msBeforeNext / 1000));

/** A count above `points` means refused (a block writes points + 1). */
const isOverLimit = (limiter: RateLimiterAbstract, res: RateLimiterRes | null): res is RateLimiterRes =>
  res !== null && res.consumedPoints > limiter.points;

/**
 * @example
 * const throttle = await createSignInThrottle(await openRateLimiterStore(url), { maxFailures: 10, maxFailuresPerIpPerDay: 100 });
 * const decision = await throttle.begin({ email, ip });
 * if (!decision.allowed) return answer429(decision.retryAfterSeconds);
 * await throttle.settle(decision.ticket, outcomeOfThePasswordCheck);
 */
export async function createSignInThrottle(store: RateLimiterStore, limits: SignInLimits): Promise<SignInThrottle> {
  const { firstBlockSeconds, maxBlockSeconds, memorySeconds } = { ...DEFAULTS, ...withoutUndefined(limits) };
  const [failures, blocks, ipFailures] = await Promise.all([
    store.createLimiter({ keyPrefix: 'signin_fail_account_ip', points: limits.maxFailures, durationSeconds: memorySeconds }),
    store.createLimiter({ keyPrefix: 'signin_blocks_account_ip', points: Number.MAX_SAFE_INTEGER, durationSeconds: memorySeconds }),
    store.createLimiter({ keyPrefix: 'signin_fail_ip_day', points: limits.maxFailuresPerIpPerDay, durationSeconds: DAY_SECONDS }),
  ]);

  /** The refused attempt that crossed the limit starts the block; the count of blocks sets its length. */
  async function blockAccount(accountKey: string): Promise<number> {
    const blockCount = (await blocks.penalty(accountKey)).consumedPoints;
    const seconds = blockSecondsFor(blockCount, firstBlockSeconds, maxBlockSeconds);
    await failures.block(accountKey, seconds);
    return seconds;
  }

  /** Both points, or neither: a refused one hands back the other. */
  async function takePoints(ticket: AttemptTicket): Promise<ThrottleDecision> {
    const [account, ip] = await Promise.allSettled([failures.consume(ticket.accountKey), ipFailures.consume(ticket.ipKey)]);
    if (account.status === 'fulfilled' && ip.status === 'fulfilled') return { allowed: true, ticket };
    await Promise.all([
      account.status === 'fulfilled' ? failures.reward(ticket.accountKey) : undefined,
      ip.status === 'fulfilled' ? ipFailures.reward(ticket.ipKey) : undefined,
    ]);
    // The library rejects with a RateLimiterRes when over the limit and with an Error when the store fails.
    for (const result of [account, ip]) {
      if (result.status === 'rejected' && result.reason instanceof Error) throw result.reason;
    }
    const refusals: number[] = [];
    if (account.status === 'rejected') {
      const crossed = (account.reason as RateLimiterRes).consumedPoints === failures.points + 1;
      refusals.push(crossed ? await blockAccount(ticket.accountKey) : secondsUntil(account.reason as RateLimiterRes));
    }
    if (ip.status === 'rejected') refusals.push(secondsUntil(ip.reason as RateLimiterRes));
    return { allowed: false, retryAfterSeconds: Math.max(...refusals) };
  }

  return {
    async begin(attempt) {
      const ticket = { accountKey: accountKeyOf(attempt), ipKey: ipLimitKey(attempt.ip) };
      // The recipe's cheap read first: a blocked key costs no write.
      const [account, ip] = await Promise.all([failures.get(ticket.accountKey), ipFailures.get(ticket.ipKey)]);
      const refused = [isOverLimit(failures, account) ? account : null, isOverLimit(ipFailures, ip) ? ip : null];
      const waits = refused.filter((res) => res !== null).map(secondsUntil);
      if (waits.length > 0) return { allowed: false, retryAfterSeconds: Math.max(...waits) };
      return takePoints(ticket);
    },

    async settle({ accountKey, ipKey }, outcome) {
      if (outcome === 'failed') return;
      // Only failures count per IP; a success also clears the pair's history of blocks.
      const cleared = outcome === 'succeeded' ? [failures.delete(accountKey), blocks.delete(accountKey)] : [failures.reward(accountKey)];
      await Promise.all([...cleared, ipFailures.reward(ipKey)]);
    },
  };
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}
