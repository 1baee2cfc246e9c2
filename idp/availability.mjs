/**
 * Switches the provider's listener between up and one of three ways of being down, to
 * test what a client does when its identity provider fails:
 * - `unavailable`: every request is answered 503 (a provider behind a load balancer in trouble);
 * - `stall`: requests are accepted and not answered until the provider comes back up;
 * - `refuse`: the listener is closed, so connections are refused (the process is gone).
 */
export const DOWN_MODES = ['unavailable', 'stall', 'refuse'];

const UNAVAILABLE_BODY = JSON.stringify({ error: 'temporarily_unavailable', error_description: 'the identity provider is down (test switch)' });

/** Resolves once `server` listens on host:port; rejects on a listen error (port taken). */
export function listen(server, port, host) {
  return new Promise((resolve, reject) => {
    const fail = (error) => reject(error);
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      resolve(server.address().port);
    });
  });
}

export function createAvailability(server, { host, port, serve }) {
  let mode = 'up';
  let stalled = [];

  async function comeUp() {
    if (mode === 'refuse') await listen(server, port, host);
    mode = 'up';
    const waiting = stalled;
    stalled = [];
    for (const { req, res } of waiting) if (!res.destroyed) serve(req, res);
  }

  return {
    get mode() {
      return mode;
    },
    /** Answers (or holds) the request while down; false when it is up and the request is the caller's. */
    intercept(req, res) {
      if (mode === 'unavailable') {
        res.writeHead(503, { 'content-type': 'application/json', 'cache-control': 'no-store', connection: 'close' });
        res.end(UNAVAILABLE_BODY);
        return true;
      }
      if (mode === 'stall') {
        stalled.push({ req, res });
        return true;
      }
      return false;
    },
    async goDown(nextMode) {
      if (!DOWN_MODES.includes(nextMode)) throw new TypeError(`mode must be one of ${DOWN_MODES.join(', ')}`);
      if (mode !== 'up') await comeUp();
      mode = nextMode;
      if (nextMode === 'refuse') {
        const closed = new Promise((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await closed;
      }
    },
    comeUp,
    /** Drops stalled requests (at shutdown). */
    dropStalled() {
      for (const { res } of stalled) res.destroy();
      stalled = [];
    },
  };
}
