import 'next-test-api-route-handler';
import type { NextApiHandler } from 'next';
import { getServerSession } from 'next-auth/next';
import { getAuthOptions } from '@/lib/auth';
import { authOptions } from '@/pages/api/auth/[...nextauth]';
import { callRoute } from '../helpers/routes';
import { signInAsAlice } from '../helpers/sign-in';
import { TEST_SECRET } from '../helpers/test-env';

type RouteModule = typeof import('@/pages/api/auth/[...nextauth]');
type AuthModule = typeof import('@/lib/auth');
type EnvModule = typeof import('@/lib/env');

const env: Record<string, string | undefined> = process.env;
const savedSecret = env.NEXTAUTH_SECRET;

afterEach(() => {
  env.NEXTAUTH_SECRET = savedSecret;
});

/** The route, lib/auth and lib/env in a fresh module registry: nothing parsed, nothing built. */
function loadFresh(): { route: RouteModule; auth: AuthModule; envModule: EnvModule } {
  let loaded: { route: RouteModule; auth: AuthModule; envModule: EnvModule } | undefined;
  jest.isolateModules(() => {
    loaded = {
      route: jest.requireActual<RouteModule>('@/pages/api/auth/[...nextauth]'),
      auth: jest.requireActual<AuthModule>('@/lib/auth'),
      envModule: jest.requireActual<EnvModule>('@/lib/env'),
    };
  });
  if (!loaded) throw new Error('the route did not load');
  return loaded;
}

/** Answers what `getServerSession(req, res, authOptions)` finds, as a page or route calls it. */
const sessionRoute: NextApiHandler = async (req, res) => {
  res.status(200).json(await getServerSession(req, res, authOptions));
};

describe('the route module without an environment, as `next build` imports it', () => {
  it('loads without NEXTAUTH_SECRET and reads no option at import', () => {
    delete env.NEXTAUTH_SECRET;
    const { route } = loadFresh();

    env.NEXTAUTH_SECRET = 'a-secret-set-after-import-0123456789abcdef';

    expect(route.authOptions.secret).toBe('a-secret-set-after-import-0123456789abcdef');
  });

  it('refuses on first read of an option without NEXTAUTH_SECRET, with the one line the server prints at start', () => {
    delete env.NEXTAUTH_SECRET;
    const { route, envModule } = loadFresh();

    expect(() => route.authOptions.cookies).toThrow(envModule.EnvError);
    expect(() => route.authOptions.secret).toThrow(/^Invalid environment: NEXTAUTH_SECRET is missing; generate one with `openssl rand -base64 32`$/);
  });
});

describe("the route's authOptions", () => {
  it("are lib/auth's options, part for part", () => {
    const built = getAuthOptions();

    expect(Object.keys(authOptions).sort()).toEqual(Object.keys(built).sort());
    for (const key of Object.keys(built) as (keyof typeof built)[]) expect(authOptions[key]).toBe(built[key]);
  });

  it('carry the secret, the session cookie, the jwt strategy and the credentials provider', () => {
    expect(authOptions.secret).toBe(TEST_SECRET);
    expect(authOptions.cookies?.sessionToken?.name).toBe('next-auth.session-token');
    expect(authOptions.session?.strategy).toBe('jwt');
    expect(authOptions.providers.map((provider) => provider.id)).toEqual(['credentials']);
  });

  it("spread into a plain object, as next-auth's init reads them", () => {
    const spread = { ...authOptions };

    expect(Object.getOwnPropertyDescriptor(spread, 'secret')).toMatchObject({ value: TEST_SECRET, writable: true });
    expect(spread.callbacks).toBe(getAuthOptions().callbacks);
  });

  it("take an assignment to secret, as next-auth's handler makes when it finds none", () => {
    const { route, auth } = loadFresh();

    route.authOptions.secret = 'another-secret-assigned-later-0123456789abcdef';

    expect(auth.getAuthOptions().secret).toBe('another-secret-assigned-later-0123456789abcdef');
  });
});

describe('getServerSession(req, res, authOptions)', () => {
  it("finds the session of a user signed in through the route's handler", async () => {
    const jar = await signInAsAlice();

    const response = await callRoute({ default: sessionRoute }, { url: '/api/whoami', jar });

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ user: { email: 'alice@example.com' } });
  });

  it('finds no session without a cookie', async () => {
    const response = await callRoute({ default: sessionRoute }, { url: '/api/whoami' });

    expect(response.body).toBeNull();
  });
});
