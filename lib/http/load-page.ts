/**
 * A full page load, as next-auth's own signIn() redirect does. Its own module so tests can
 * see where a page sends the browser: jsdom neither navigates nor lets `location` be stubbed.
 */
export function loadPage(url: string): void {
  window.location.assign(url);
}
