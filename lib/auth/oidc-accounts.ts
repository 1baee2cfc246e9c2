import type { Account, Profile } from 'next-auth';
import type { Store, UserRecord } from '../db/store';
import type { OidcSettings } from '../env';
import type { LogFields } from '../log';
import { OIDC_PROVIDER_ID } from './oidc-provider';

/** Why an OIDC sign-in was refused (logged; the browser only sees next-auth's `AccessDenied`). */
export type OidcRefusal = 'email-not-verified' | 'no-account' | 'disabled' | 'linked-elsewhere';

export type OidcUserResolution = { ok: true; user: UserRecord } | { ok: false; reason: OidcRefusal };

export interface OidcAccountsDeps {
  settings: Pick<OidcSettings, 'issuer' | 'embedded'>;
  getStore(): Promise<Store>;
  warn(event: string, fields: LogFields): void;
}

export interface OidcAccounts {
  /**
   * next-auth's signIn callback: true for every other provider; for an OIDC sign-in, whether
   * it names an enabled user of the app (linking it on the first sign-in). false makes
   * next-auth redirect to the sign-in page with `?error=AccessDenied`.
   */
  allowSignIn(params: { account: Account | null; profile?: Profile }): Promise<boolean>;
  /** The user the OIDC account is linked to (after `allowSignIn`), or null. */
  findLinkedUser(account: Account): Promise<UserRecord | null>;
}

/**
 * The app's user for an OIDC sign-in: the one the subject was linked to, else (first
 * sign-in) the user whose email the provider vouches for, linked to the subject from then
 * on, so a later change of email at either end keeps the link. The demo has no sign-up:
 * no user, no sign-in. An email counts only with `email_verified`, or from the development
 * provider (whose demo accounts are the seed users): otherwise anyone who can register that
 * address at the provider would sign in as its owner here.
 */
export async function resolveOidcUser(
  store: Store,
  identity: { issuer: string; subject: string },
  claims: { email?: string; emailVerified: boolean },
): Promise<OidcUserResolution> {
  const linked = await store.findUserByOidcSubject(identity.issuer, identity.subject);
  if (linked) return linked.disabled ? { ok: false, reason: 'disabled' } : { ok: true, user: linked };
  if (!claims.email || !claims.emailVerified) return { ok: false, reason: 'email-not-verified' };
  const byEmail = await store.findUserByEmail(claims.email);
  if (!byEmail) return { ok: false, reason: 'no-account' };
  if (byEmail.disabled) return { ok: false, reason: 'disabled' };
  if (!(await store.linkOidcSubject(byEmail.id, identity.issuer, identity.subject))) return { ok: false, reason: 'linked-elsewhere' };
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { passwordHash, ...user } = byEmail;
  return { ok: true, user };
}

export function createOidcAccounts({ settings, getStore, warn }: OidcAccountsDeps): OidcAccounts {
  const identityOf = (account: Account) => ({ issuer: settings.issuer, subject: account.providerAccountId });

  return {
    async allowSignIn({ account, profile }) {
      if (account?.provider !== OIDC_PROVIDER_ID) return true;
      const claims = { email: profile?.email, emailVerified: profile?.email_verified === true || settings.embedded };
      const resolved = await resolveOidcUser(await getStore(), identityOf(account), claims);
      if (!resolved.ok) warn('auth.oidc-sign-in-refused', { reason: resolved.reason });
      return resolved.ok;
    },
    async findLinkedUser(account) {
      const { issuer, subject } = identityOf(account);
      return (await getStore()).findUserByOidcSubject(issuer, subject);
    },
  };
}
