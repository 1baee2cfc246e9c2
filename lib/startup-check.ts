import { EnvError, getEnv } from './env';

/** Exits the process with one line when the environment is unusable. */
export function assertEnvAtStartup(): void {
  try {
    getEnv();
  } catch (error) {
    if (!(error instanceof EnvError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}
