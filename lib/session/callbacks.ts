import type { Session, User } from 'next-auth';
import type { JWT } from 'next-auth/jwt';

/**
 * The subset of next-auth's callback parameters the toolkit passes. The app's
 * `authOptions.callbacks` are these same functions, so next-auth's paths and
 * updateSession run one merge policy.
 */
export interface JwtCallbackParams {
  token: JWT;
  user?: User;
  trigger?: 'signIn' | 'signUp' | 'update';
  session?: unknown;
}

export interface SessionCallbackParams {
  session: { expires: string };
  token: JWT;
}

export interface SessionCallbacks {
  jwt(params: JwtCallbackParams): Promise<JWT>;
  session(params: SessionCallbackParams): Promise<Session> | Session;
}
