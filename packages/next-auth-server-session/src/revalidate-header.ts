/**
 * A response that changed the session cookie carries this header, so the browser knows
 * its copy of the session is stale. Written by the server adapter, read by the client.
 * HTTP header names are case-insensitive; `Headers.get` and `res.setHeader` accept this form.
 */
export const REVALIDATE_HEADER = 'X-Revalidate-Session';
