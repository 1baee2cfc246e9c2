/**
 * A development and test OpenID Provider (panva's oidc-provider), run as its own process:
 * oidc-provider 9 is ESM-only and the repository's jest runs CommonJS. Started by
 * support/idp.ts (tests, scripts/dev.ts) with IDP_* settings (idp/options.mjs); see idp/README.md.
 * When started with an IPC channel it reports `{ type: 'ready', issuer, adminUrl }` on it,
 * and exits when its parent goes away.
 */
import { createServer } from 'node:http';
import { createAdminServer } from './admin.mjs';
import { createAvailability, listen } from './availability.mjs';
import { createEventLog, recordProviderEvents } from './events.mjs';
import { createInteractionHandler, isInteractionPath } from './interactions.mjs';
import { readOptions } from './options.mjs';
import { createProvider } from './provider.mjs';

/** Loopback only: the demo accounts' passwords are published. */
const HOST = '127.0.0.1';

function createRouter(provider, log, issuer) {
  const handleInteraction = createInteractionHandler(provider, log);
  const handleProvider = provider.callback();
  return function serve(req, res) {
    const pathname = URL.parse(req.url ?? '/', issuer)?.pathname;
    if (pathname === undefined) {
      res.writeHead(400).end();
    } else if (isInteractionPath(pathname)) {
      handleInteraction(req, res, pathname);
    } else {
      handleProvider(req, res);
    }
  };
}

async function start(options) {
  const server = createServer();
  // Listen first: with port 0 the issuer (and so the provider) is known only once bound.
  const port = await listen(server, options.port, HOST);
  const issuer = `http://${HOST}:${port}`;
  const provider = createProvider(issuer, options);
  const log = createEventLog();
  recordProviderEvents(provider, log);
  const serve = createRouter(provider, log, issuer);
  const availability = createAvailability(server, { host: HOST, port, serve });
  server.on('request', (req, res) => {
    if (!availability.intercept(req, res)) serve(req, res);
  });
  let adminUrl;
  if (options.adminToken) {
    const admin = createAdminServer({ adminToken: options.adminToken, provider, log, availability });
    adminUrl = `http://${HOST}:${await listen(admin, options.adminPort, HOST)}`;
  }
  return { issuer, adminUrl, stopAccepting: () => availability.dropStalled() };
}

function describeFailure(error, options) {
  if (error?.code === 'EADDRINUSE') return `port ${options?.port} on ${HOST} is in use`;
  return error instanceof Error ? error.message : String(error);
}

async function main() {
  let options;
  try {
    options = readOptions();
    const { issuer, adminUrl, stopAccepting } = await start(options);
    const exit = () => {
      stopAccepting();
      process.exit(0);
    };
    process.on('SIGTERM', exit).on('SIGINT', exit).on('disconnect', exit);
    process.send?.({ type: 'ready', issuer, adminUrl });
    console.log(`[idp] OpenID Provider at ${issuer} (client ${options.clientId}, access tokens for ${options.resource} live ${options.accessTokenTtlSeconds}s)`);
  } catch (error) {
    const message = describeFailure(error, options);
    console.error(`[idp] failed to start: ${message}`);
    process.send?.({ type: 'error', message });
    process.exitCode = 1;
    process.disconnect?.();
  }
}

main();
