import type { Role } from '@/lib/db/schema';
import type { Preferences } from '@/lib/preferences';
import type { CartProjection, SessionUser } from '@/lib/auth/claims';
import type { OAuthTokens } from 'next-auth-server-session';

declare module 'next-auth' {
  interface Session {
    user: SessionUser;
    cart: CartProjection;
    /** Present when the session carries the identity provider's tokens (an OIDC sign-in); the tokens stay on the server. */
    oidc?: { linked: true };
    expires: string;
  }

  /**
   * What a provider hands next-auth: the Credentials provider's authorize() returns the
   * app's user; the OIDC provider's profile() the provider's subject as `id`, and no role
   * (its app user is found through the link: lib/auth/oidc-accounts.ts).
   */
  interface User {
    id: string;
    name: string;
    email: string;
    role?: Role;
  }

  /** The ID token's claims, as the signIn callback receives them (OpenID Connect Core 5.1). */
  interface Profile {
    email_verified?: boolean;
  }
}

declare module 'next-auth/jwt' {
  /** Claims are optional here: a token from the wire is only trusted after decode. */
  interface JWT {
    id?: string;
    role?: Role;
    preferences?: Preferences;
    sessionVersion?: number;
    /** When the session began (ms since the epoch); kept across re-issues. */
    authTime?: number;
    /** The user's session epoch when the session began (revocations counted by the store); kept across re-issues. */
    sessionEpoch?: number;
    /** The user's cart version when `cart` was read (see lib/auth/callbacks.ts cartStillCurrent). */
    cartVersion?: number;
    cart?: CartProjection;
    /**
     * The identity provider's tokens (an OIDC sign-in), in the package's shape: kept fresh by
     * its refresher in callbacks.jwt, never in the session body (lib/auth/claims.ts toSession).
     */
    oauth?: OAuthTokens;
  }
}
