import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';

/**
 * The demo accounts: the app's seed users (lib/db/seed.ts DEMO_USERS) with the same
 * published passwords, so one sign-in works both ways. A test keeps the two lists equal.
 * The subject (`sub`) is a stable id, not the email, as at real providers.
 */
const ACCOUNTS = JSON.parse(readFileSync(new URL('./demo-accounts.json', import.meta.url), 'utf8'));

const digest = (value) => createHash('sha256').update(value).digest();

/** oidc-provider's `findAccount`: the account whose `sub` this is, with its claims. */
export async function findAccount(_ctx, sub) {
  const account = ACCOUNTS.find((candidate) => candidate.accountId === sub);
  if (!account) return undefined;
  return {
    accountId: account.accountId,
    // oidc-provider keeps only the claims of the granted scopes (email -> email, profile -> name).
    async claims() {
      return { sub: account.accountId, email: account.email, email_verified: true, name: account.name };
    },
  };
}

/** The account id for this email and password, or undefined. Compares digests, in constant time. */
export function authenticate(email, password) {
  const account = ACCOUNTS.find((candidate) => candidate.email === String(email).trim().toLowerCase());
  const expected = digest(account?.password ?? 'no such account');
  const matches = timingSafeEqual(expected, digest(String(password)));
  return account && matches ? account.accountId : undefined;
}

export function demoAccounts() {
  return ACCOUNTS.map(({ email, password }) => ({ email, password }));
}
