type AuthModule = typeof import('@/lib/auth');
type EnvModule = typeof import('@/lib/env');

const env: Record<string, string | undefined> = process.env;
const savedSecret = env.NEXTAUTH_SECRET;

/** The app's auth wiring and its own env module in a fresh module registry (nothing parsed yet). */
function loadFresh(): { auth: AuthModule; envModule: EnvModule } {
  let loaded: { auth: AuthModule; envModule: EnvModule } | undefined;
  jest.isolateModules(() => {
    loaded = { auth: jest.requireActual<AuthModule>('@/lib/auth'), envModule: jest.requireActual<EnvModule>('@/lib/env') };
  });
  if (!loaded) throw new Error('lib/auth did not load');
  return loaded;
}

afterEach(() => {
  env.NEXTAUTH_SECRET = savedSecret;
});

describe('the app auth wiring', () => {
  it('loads without NEXTAUTH_SECRET, as `next build` loads every route', () => {
    delete env.NEXTAUTH_SECRET;

    expect(() => loadFresh()).not.toThrow();
  });

  it('refuses on first use without NEXTAUTH_SECRET, with the one line the server prints at start', () => {
    delete env.NEXTAUTH_SECRET;
    const { auth, envModule } = loadFresh();

    expect(() => auth.getAuthOptions()).toThrow(envModule.EnvError);
    expect(() => auth.getAuthOptions()).toThrow(/^Invalid environment: NEXTAUTH_SECRET is missing; generate one with `openssl rand -base64 32`$/);
  });

  it('builds the options from the environment of the first use', () => {
    delete env.NEXTAUTH_SECRET;
    const { auth } = loadFresh();
    env.NEXTAUTH_SECRET = 'a-secret-set-after-import-0123456789abcdef';

    expect(auth.getAuthOptions().secret).toBe('a-secret-set-after-import-0123456789abcdef');
  });

  it('gives every caller the same options, session updater and session-state reader', () => {
    const { auth } = loadFresh();

    expect(auth.getAuthOptions()).toBe(auth.getAuthOptions());
    expect(auth.getSessions()).toBe(auth.getSessions());
    expect(auth.getSessionStates()).toBe(auth.getSessionStates());
  });
});
