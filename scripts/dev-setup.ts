import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadProjectEnv } from './load-env';

const ENV_FILE = path.join(process.cwd(), '.env.local');

/**
 * First `npm run dev`: write .env.local with a fresh secret when none is configured.
 * Never overwrites: an existing secret keeps everyone's sessions valid.
 */
function ensureDevSecret(): void {
  const existing = existsSync(ENV_FILE) ? readFileSync(ENV_FILE, 'utf8') : '';
  if (/^\s*NEXTAUTH_SECRET\s*=\s*\S/m.test(existing)) return;
  const lines = [
    '# Written by `npm run dev` (scripts/dev-setup.ts). See .env.local.example for every variable.',
    `NEXTAUTH_SECRET=${randomBytes(32).toString('base64')}`,
    ...(/^\s*NEXTAUTH_URL\s*=/m.test(existing) ? [] : ['NEXTAUTH_URL=http://localhost:3000']),
  ];
  const prefix = existing && !existing.endsWith('\n') ? '\n' : '';
  writeFileSync(ENV_FILE, `${existing}${prefix}${lines.join('\n')}\n`, { mode: 0o600 });
  console.log('[dev] wrote .env.local with a new NEXTAUTH_SECRET');
}

async function main(): Promise<void> {
  ensureDevSecret();
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
