import { getRateLimiterStore } from '../db';
import { getEnv } from '../env';
import { createSignInThrottle, type SignInThrottle } from './sign-in-throttle';

let throttle: Promise<SignInThrottle> | undefined;

/** The app's sign-in throttle: its database, the limits from the environment. A failed start is retried. */
export function getSignInThrottle(): Promise<SignInThrottle> {
  throttle ??= getRateLimiterStore()
    .then((store) => createSignInThrottle(store, getEnv().signInLimits))
    .catch((error: unknown) => {
      throttle = undefined;
      throw error;
    });
  return throttle;
}
