/**
 * Runs once when the Next.js server starts: a missing or weak secret stops it here, with
 * one line naming the variable, instead of failing on the first sign-in.
 */
export async function register(): Promise<void> {
  const { EnvError, formatEnvError, getEnv } = await import('./lib/env');
  try {
    getEnv();
  } catch (error) {
    if (!(error instanceof EnvError)) throw error;
    console.error(formatEnvError(error));
    process.exit(1);
  }
}
