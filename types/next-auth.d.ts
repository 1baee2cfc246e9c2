import type { Role } from '@/lib/db/schema';
import type { Preferences } from '@/lib/preferences';
import type { CartProjection, SessionUser } from '@/lib/auth/claims';

declare module 'next-auth' {
  interface Session {
    user: SessionUser;
    cart: CartProjection;
    expires: string;
  }

  /** What the Credentials provider's authorize() returns. */
  interface User {
    id: string;
    name: string;
    email: string;
    role: Role;
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
  }
}
