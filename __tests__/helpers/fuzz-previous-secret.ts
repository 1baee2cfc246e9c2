/**
 * Import first (before any app module): configures a secret rotation for this test file,
 * so tokens issued under the previous secret must still be accepted and be re-issued under
 * the current one. lib/env reads the environment once, at its first import.
 */
export const PREVIOUS_SECRET = 'previous-test-secret-that-is-long-enough-0123456789';

process.env.NEXTAUTH_SECRET_PREVIOUS = PREVIOUS_SECRET;
