/**
 * Browser side of the session toolkit (next-auth v4 + SWR). The server marks a response
 * that changed the session cookie with `X-Revalidate-Session: true`; these make every tab
 * revalidate its session once, however many responses carried the mark. Public API:
 *
 * - `SessionSync` — mount once inside `SessionProvider` and `SWRConfig`: turns the signals
 *   below into `useSession().update()` / `signOut()`, and revalidates `refreshKeys`
 *   whenever the session's content changes (this tab or another).
 * - `noticeSessionResponse(response)` — for your own fetch wrapper: call it with every Response.
 * - `requestSignOut()` — for your own fetch wrapper: many "session gone" 401s, one sign-out.
 * - `observeSessionResponses` — SWR middleware for apps that keep a plain fetcher
 *   (`use: [observeSessionResponses]`); observes same-origin responses of `fetch`.
 * - `REVALIDATE_HEADER` — the header's name, shared with the server half.
 */
export { SessionSync, type SessionSyncProps } from './session-sync';
export { noticeSessionResponse, requestSignOut } from './session-signals';
export { observeSessionResponses } from './swr-session-middleware';
export { REVALIDATE_HEADER } from './revalidate-header';
