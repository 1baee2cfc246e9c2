/**
 * Runs once when the Next.js server starts: a missing or weak secret stops it here, with
 * one line naming the variable, instead of failing on the first sign-in.
 */
export async function register(): Promise<void> {
  // NEXT_RUNTIME is inlined by Next at build time (not configuration), so the Edge bundle
  // drops the Node-only check.
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { assertEnvAtStartup } = await import('./lib/startup-check');
    assertEnvAtStartup();
  }
}
