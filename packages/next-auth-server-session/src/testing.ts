/**
 * Test kit for routes that use the session toolkit (jest with next-test-api-route-handler
 * or supertest). Test code only: the app never imports this entry.
 *
 * - `createSessionTestKit(authOptions)`: a signed-in cookie for given claims (the app's
 *   cookie name and mode, chunked when large, its own `jwt.encode`), and what a response
 *   wrote (the decoded session, written and expired names, the revalidate header, duplicates).
 * - `TestCookieJar`: carries Set-Cookie from one response into the next request's `Cookie`.
 */
export { createSessionTestKit, SessionTestError, type SessionTestKit, type WrittenSession } from './test-kit';
export { parseSetCookies, readSetCookieHeaders, TestCookieJar, type SetCookieSource } from './test-cookie-jar';
