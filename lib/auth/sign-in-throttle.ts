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
 *   guesser who spreads tries over many accounts;
 * - failures per account a day, across IPs (`maxFailuresPerAccountPerDay`), for the
 *   botnet that tries one account from many addresses. Only IPs the account has never
 *   signed in from (within `memorySeconds`) count and are refused, until the day window
 *   ends: an attacker can lock the owner out only of addresses the owner never used, while
 *   the owner's own IPs keep the account+IP limit alone.
 * Unlike the recipe, an attempt takes its points *before* the password is checked (and gets
 * them back unless it failed): the check and the count are then one atomic upsert, so a burst
 * of parallel guesses cannot all pass the check before the first failure is counted.
 */

export interface SignInLimits {
  maxFailures: number;
  maxFailuresPerIpPerDay: number;
  maxFailuresPerAccountPerDay: number;
  /** Default 60 s. */
  firstBlockSeconds?: number;
  /** Default 1 h, the recipe's block. */
  maxBlockSeconds?: number;
  /** How long failures, blocks and the IPs an account signed in from are remembered. Default 90 days, as in the recipe. */
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
  /** The account's daily count; null for an IP the account has signed in from, which the ceiling does not concern. */
  readonly accountDayKey: string | null;
}

export type ThrottleDecision =
  | { allowed: true; ticket: AttemptTicket }
  /** `limit` names the per-account daily ceiling when it is what refused (the answer says so). */
  | { allowed: false; retryAfterSeconds: number; limit?: 'account-per-day' };

export interface SignInThrottle {
  /** Before the password check: refuses, or takes the attempt's points and lets it run. */
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
function hashKey(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\n')).digest('base64url');
}

const normalEmail = (email: string) => email.trim().toLowerCase();

const secondsUntil = (res: RateLimiterRes) => Math.max(1, Math.ceil(res.msBeforeNext / 1000));

/** A count above `points` means refused (a block writes points + 1). */
const isOverLimit = (limiter: RateLimiterAbstract, res: RateLimiterRes | null): res is RateLimiterRes =>
  res !== null && res.consumedPoints > limiter.points;

const wasRefused = (result: PromiseSettledResult<unknown>): result is PromiseRejectedResult => result.status === 'rejected';

/**
 * @example
 * const throttle = await createSignInThrottle(await openRateLimiterStore(url), { maxFailures: 10, maxFailuresPerIpPerDay: 100, maxFailuresPerAccountPerDay: 100 });
 * const decision = await throttle.begin({ email, ip });
 * if (!decision.allowed) return answer429(decision.retryAfterSeconds);
 * await throttle.settle(decision.ticket, outcomeOfThePasswordCheck);
 */
export async function createSignInThrottle(store: RateLimiterStore, limits: SignInLimits): Promise<SignInThrottle> {
  const { firstBlockSeconds, maxBlockSeconds, memorySeconds } = { ...DEFAULTS, ...withoutUndefined(limits) };
  const [failures, blocks, ipFailures, accountFailures, signedInFrom] = await Promise.all([
    store.createLimiter({ keyPrefix: 'signin_fail_account_ip', points: limits.maxFailures, durationSeconds: memorySeconds }),
    store.createLimiter({ keyPrefix: 'signin_blocks_account_ip', points: Number.MAX_SAFE_INTEGER, durationSeconds: memorySeconds }),
    store.createLimiter({ keyPrefix: 'signin_fail_ip_day', points: limits.maxFailuresPerIpPerDay, durationSeconds: DAY_SECONDS }),
    store.createLimiter({ keyPrefix: 'signin_fail_account_day', points: limits.maxFailuresPerAccountPerDay, durationSeconds: DAY_SECONDS }),
    store.createLimiter({ keyPrefix: 'signin_ok_account_ip', points: Number.MAX_SAFE_INTEGER, durationSeconds: memorySeconds }),
  ]);

  /** The refused attempt that crossed the limit starts the block; the count of blocks sets its length. */
  async function blockAccount(accountKey: string): Promise<number> {
    const blockCount = (await blocks.penalty(accountKey)).consumedPoints;
    const seconds = blockSecondsFor(blockCount, firstBlockSeconds, maxBlockSeconds);
    await failures.block(accountKey, seconds);
    return seconds;
  }

  /** The account+IP pair's refusal: the attempt that crossed the limit starts a block. */
  async function pairRefusal(res: RateLimiterRes, accountKey: string): Promise<number> {
    return res.consumedPoints === failures.points + 1 ? blockAccount(accountKey) : secondsUntil(res);
  }

  /** Every point, or none: a refused one hands back the others. */
  async function takePoints(ticket: AttemptTicket): Promise<ThrottleDecision> {
    const { accountKey, ipKey, accountDayKey } = ticket;
    const results = await Promise.allSettled([
      failures.consume(accountKey),
      ipFailures.consume(ipKey),
      accountDayKey === null ? Promise.resolve(null) : accountFailures.consume(accountDayKey),
    ]);
    const [pair, ip, accountDay] = results;
    if (!results.some(wasRefused)) return { allowed: true, ticket };
    await Promise.all([
      pair.status === 'fulfilled' ? failures.reward(accountKey) : undefined,
      ip.status === 'fulfilled' ? ipFailures.reward(ipKey) : undefined,
      accountDay.status === 'fulfilled' && accountDayKey !== null ? accountFailures.reward(accountDayKey) : undefined,
    ]);
    // The library rejects with a RateLimiterRes when over the limit and with an Error when the store fails.
    for (const result of results) {
      if (wasRefused(result) && result.reason instanceof Error) throw result.reason;
    }
    const refusals: number[] = [];
    if (wasRefused(pair)) refusals.push(await pairRefusal(pair.reason as RateLimiterRes, accountKey));
    if (wasRefused(ip)) refusals.push(secondsUntil(ip.reason as RateLimiterRes));
    if (wasRefused(accountDay)) refusals.push(secondsUntil(accountDay.reason as RateLimiterRes));
    return refusedFor(Math.max(...refusals), wasRefused(accountDay));
  }

  return {
    async begin({ email, ip }) {
      const ipKey = ipLimitKey(ip);
      const accountKey = hashKey(normalEmail(email), ipKey);
      const accountDayKey = hashKey(normalEmail(email));
      // The recipe's cheap reads first: a refused attempt costs no write.
      const [pair, ipCount, accountDay, signedIn] = await Promise.all([
        failures.get(accountKey),
        ipFailures.get(ipKey),
        accountFailures.get(accountDayKey),
        signedInFrom.get(accountKey),
      ]);
      const ceilingApplies = signedIn === null;
      const overCeiling = ceilingApplies && isOverLimit(accountFailures, accountDay) ? accountDay : null;
      const refused = [isOverLimit(failures, pair) ? pair : null, isOverLimit(ipFailures, ipCount) ? ipCount : null, overCeiling];
      const waits = refused.filter((res) => res !== null).map(secondsUntil);
      if (waits.length > 0) return refusedFor(Math.max(...waits), overCeiling !== null);
      return takePoints({ accountKey, ipKey, accountDayKey: ceilingApplies ? accountDayKey : null });
    },

    async settle({ accountKey, ipKey, accountDayKey }, outcome) {
      if (outcome === 'failed') return;
      // Only failures count; a success also clears the pair's history of blocks and marks its IP as the account's own.
      const pairWrites =
        outcome === 'succeeded'
          ? [failures.delete(accountKey), blocks.delete(accountKey), signedInFrom.set(accountKey, 1, memorySeconds)]
          : [failures.reward(accountKey)];
      await Promise.all([...pairWrites, ipFailures.reward(ipKey), accountDayKey === null ? undefined : accountFailures.reward(accountDayKey)]);
    },
  };
}

function refusedFor(retryAfterSeconds: number, byAccountCeiling: boolean): ThrottleDecision {
  return byAccountCeiling ? { allowed: false, retryAfterSeconds, limit: 'account-per-day' } : { allowed: false, retryAfterSeconds };
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}
