import { loadEnvConfig } from '@next/env';

/** Loads .env, .env.local, ... exactly as Next.js does, so scripts see what the app sees. */
export function loadProjectEnv(): void {
  loadEnvConfig(process.cwd(), process.env.NODE_ENV !== 'production');
}
