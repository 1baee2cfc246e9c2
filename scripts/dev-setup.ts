import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadProjectEnv } from './load-env';

const ENV_FILE = path.join(process.cwd(), '.env.local');

const hasValue = (text: string, name: string) => new RegExp(`^\\s*${name}\\s*=\\s*\\S`, 'm').test(text);

/** The lines .env.local lacks: a session secret, and a client for the embedded identity provider (idp/README.md). */
function missingDevLines(existing: string): string[] {
  const lines: string[] = [];
  if (!hasValue(existing, 'NEXTAUTH_SECRET')) {
    lines.push(`NEXTAUTH_SECRET=${randomBytes(32).toString('base64')}`);
    if (!/^\s*NEXTAUTH_URL\s*=/m.test(existing)) lines.push('NEXTAUTH_URL=http://localhost:3000');
  }
  // A file that names any OIDC setting is configuring its own provider (or client): leave it be.
  if (!['OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET'].some((name) => hasValue(existing, name))) {
    lines.push('OIDC_CLIENT_ID=app', `OIDC_CLIENT_SECRET=${randomBytes(32).toString('base64url')}`);
  }
  return lines;
}

/**
 * `npm run dev`: add to .env.local what development needs and it lacks, fresh secrets
 * included. Never overwrites: an existing secret keeps everyone's sessions valid.
 */
function ensureDevEnvFile(): void {
  const existing = existsSync(ENV_FILE) ? readFileSync(ENV_FILE, 'utf8') : '';
  const lines = missingDevLines(existing);
  if (lines.length === 0) return;
  const header = existing ? [] : ['# Written by `npm run dev` (scripts/dev-setup.ts). See .env.local.example for every variable.'];
  const prefix = existing && !existing.endsWith('\n') ? '\n' : '';
  writeFileSync(ENV_FILE, `${existing}${prefix}${[...header, ...lines].join('\n')}\n`, { mode: 0o600 });
  const names = lines.map((line) => line.slice(0, line.indexOf('='))).join(', ');
  console.log(`[dev] wrote ${names} to .env.local`);
}

async function main(): Promise<void> {
  ensureDevEnvFile();
  loadProjectEnv();
  const { getDatabaseUrl } = await import('../lib/env');
  const { createStore, seedDemoData } = await import('../lib/db');
  const store = await createStore(getDatabaseUrl());
  try {
    const { usersAdded } = await seedDemoData(store);
    if (usersAdded > 0) console.log('[dev] seeded demo users: alice@example.com / alice-password, admin@example.com / admin-password');
  } finally {
    await store.close();
  }
}

main().catch((error: unknown) => {
  console.error('[dev] setup failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});
