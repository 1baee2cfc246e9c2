import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { callbackUrlsFor, startIdentityProvider, type RunningIdentityProvider } from '../support/idp';
import { loadProjectEnv } from './load-env';

/**
 * `npm run dev` after scripts/dev-setup.ts: the embedded identity provider (idp/) on
 * 127.0.0.1:3001 unless OIDC_ISSUER names another provider, then `next dev` with this
 * script's arguments (`npm run dev -- -p 4000`). Stopping one stops both.
 */

const NEXT_BIN = path.join(process.cwd(), 'node_modules', 'next', 'dist', 'bin', 'next');
// next dev loads the .env files itself (and reloads them on change): give it the environment as it was.
const LAUNCH_ENV = { ...process.env };

async function startEmbeddedProvider(): Promise<RunningIdentityProvider | undefined> {
  loadProjectEnv();
  const { getEnv } = await import('../lib/env');
  const { oidc, appUrl } = getEnv();
  if (!oidc) {
    console.log('[dev] no OIDC settings (OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET): OIDC sign-in is off');
    return undefined;
  }
  if (!oidc.embedded) {
    console.log(`[dev] OIDC provider: ${oidc.issuer}`);
    return undefined;
  }
  return startIdentityProvider({
    port: Number(new URL(oidc.issuer).port),
    clientId: oidc.clientId,
    clientSecret: oidc.clientSecret,
    redirectUris: callbackUrlsFor(appUrl),
    admin: false,
    stdio: 'inherit',
  });
}

function runNextDev(): ChildProcess {
  return spawn(process.execPath, [NEXT_BIN, 'dev', ...process.argv.slice(2)], { stdio: 'inherit', env: LAUNCH_ENV });
}

async function main(): Promise<void> {
  const provider = await startEmbeddedProvider();
  let stopping = false;
  void provider?.exited.then((code) => {
    if (!stopping) console.error(`[dev] the identity provider stopped (exit code ${code}); OIDC sign-in fails until npm run dev restarts`);
  });
  const next = runNextDev();
  const stop = (signal: NodeJS.Signals) => {
    stopping = true;
    if (next.exitCode === null) next.kill(signal);
  };
  process.on('SIGINT', () => stop('SIGINT')).on('SIGTERM', () => stop('SIGTERM'));
  next.once('exit', (code, signal) => {
    stopping = true;
    void (provider?.stop() ?? Promise.resolve()).then(() => process.exit(code ?? (signal ? 1 : 0)));
  });
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`[dev] could not start: ${message}`);
  if (/in use/.test(message)) console.error('[dev] stop what uses the port, or set OIDC_ISSUER to use another provider (idp/README.md)');
  process.exit(1);
});
