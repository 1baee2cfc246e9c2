import 'next-test-api-route-handler';
import { decode, getToken } from 'next-auth/jwt';
import { TEST_SECRET } from '../helpers/test-env';
import { signInThroughNextAuth, ALICE } from '../helpers/sign-in';

const SESSION_COOKIE = 'next-auth.session-token';

describe('sign-in through next-auth (credentials)', () => {
  it('sets a session cookie whose token carries the user id, email and role', async () => {
    const { jar, response } = await signInThroughNextAuth(ALICE.email, ALICE.password);

    expect(response.status).toBe(200);
    const token = await decode({ token: jar.get(SESSION_COOKIE), secret: TEST_SECRET });
    expect(token).toMatchObject({ email: ALICE.email, role: 'member', name: 'Alice' });
    expect(typeof token?.sub).toBe('string');
    expect(token?.id).toBe(token?.sub);
  });

  it("is readable by next-auth's getToken from a request", async () => {
    const { jar } = await signInThroughNextAuth(ALICE.email, ALICE.password);
    const req = { headers: { cookie: jar.header() }, cookies: jar.toObject() };

    const token = await getToken({ req: req as never, secret: TEST_SECRET, secureCookie: false });

    expect(token).toMatchObject({ email: ALICE.email, role: 'member' });
  });

  it('sets no session cookie for a wrong password', async () => {
    const { jar, response } = await signInThroughNextAuth(ALICE.email, 'wrong-password');

    expect(jar.get(SESSION_COOKIE)).toBeUndefined();
    expect((response.body as { url: string }).url).toContain('error=CredentialsSignin');
  });

  it('answers an unknown email exactly as a wrong password', async () => {
    const wrongPassword = await signInThroughNextAuth(ALICE.email, 'wrong-password');
    const unknownEmail = await signInThroughNextAuth('nobody@example.com', 'wrong-password');

    expect(unknownEmail.response.status).toBe(wrongPassword.response.status);
    expect(unknownEmail.response.body).toEqual(wrongPassword.response.body);
    expect(unknownEmail.jar.get(SESSION_COOKIE)).toBeUndefined();
  });
});

describe('a disabled account', () => {
  it('cannot sign in, and the answer is the same as for a wrong password', async () => {
    const { getStore } = await import('@/lib/db');
    const store = await getStore();
    const admin = await store.findUserByEmail('admin@example.com');
    await store.setDisabled(admin?.id ?? '', true);
    const wrongPassword = await signInThroughNextAuth('alice@example.com', 'wrong-password');

    const disabled = await signInThroughNextAuth('admin@example.com', 'admin-password');

    expect(disabled.jar.get(SESSION_COOKIE)).toBeUndefined();
    expect(disabled.response.status).toBe(wrongPassword.response.status);
    expect(disabled.response.body).toEqual(wrongPassword.response.body);
    await store.setDisabled(admin?.id ?? '', false);
  });
});
