import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real OAuth token endpoint on 127.0.0.1 for refresh tests, modelled on oidc-provider with
 * `rotateRefreshToken`: every refresh spends the refresh token and issues a new one; a spent
 * refresh token that comes back revokes the whole grant (every token of it) and is answered
 * 400 `invalid_grant` "refresh token already used". Requests are handled one at a time
 * (the grant logic runs synchronously once a body is read), as a database row lock would.
 */

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  expiresInSeconds: number;
}

export interface ClientAuthSeen {
  method: 'client_secret_basic' | 'client_secret_post' | 'none';
  clientId: string | null;
  clientSecret: string | null;
}

export interface TokenEndpointStats {
  /** POSTs that reached the endpoint, whatever the mode. */
  requests: number;
  /** Refresh grants answered with new tokens. */
  grantsIssued: number;
  /** Answers with `invalid_grant`. */
  invalidGrants: number;
  /** Spent refresh tokens that came back (each revoked its grant). */
  reuseDetections: number;
}

/**
 * - `normal`: the grant logic;
 * - `unavailable`: 503 `temporarily_unavailable`, nothing spent;
 * - `hang`: never answers, nothing spent;
 * - `drop`: destroys the connection, nothing spent;
 * - `spend-then-drop`: runs the grant, then destroys the connection (the answer is lost);
 * - a scripted answer: sent as is, nothing spent.
 */
export type EndpointMode = 'normal' | 'unavailable' | 'hang' | 'drop' | 'spend-then-drop' | ScriptedAnswer;

export interface ScriptedAnswer {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

export interface FakeTokenEndpoint {
  /** The token endpoint's URL (`/token`). */
  url: string;
  origin: string;
  /** A new grant, as a sign-in would leave it: its access and refresh token. */
  issueGrant(): IssuedTokens;
  /** Revokes the grant a refresh token belongs to (the user revoked the app at the provider). */
  revokeGrantOf(refreshToken: string): void;
  /** Whether an access token is still accepted (its grant not revoked). */
  isAccessTokenActive(accessToken: string): boolean;
  setMode(mode: EndpointMode): void;
  readonly stats: TokenEndpointStats;
  readonly lastClientAuth: ClientAuthSeen | null;
  /** Requests to any path other than `/token` (a followed redirect would land here). */
  readonly otherPathRequests: number;
  close(): Promise<void>;
}

export interface FakeTokenEndpointOptions {
  clientId?: string;
  clientSecret?: string;
  expiresInSeconds?: number;
  /** false: refresh answers carry no refresh_token (the provider does not rotate). */
  rotateRefreshTokens?: boolean;
}

export const FAKE_CLIENT_ID = 'test-client';
export const FAKE_CLIENT_SECRET = 'test-client-secret';

interface Grant {
  revoked: boolean;
}

const newToken = (prefix: string) => `${prefix}_${randomBytes(18).toString('base64url')}`;
const formDecode = (value: string) => decodeURIComponent(value.replace(/\+/g, ' '));

function readClientAuth(req: IncomingMessage, form: URLSearchParams): ClientAuthSeen | 'both' {
  const header = req.headers.authorization;
  const posted = form.has('client_secret');
  if (header?.startsWith('Basic ')) {
    if (posted) return 'both';
    const decoded = Buffer.from(header.slice('Basic '.length), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return { method: 'client_secret_basic', clientId: formDecode(decoded.slice(0, colon)), clientSecret: formDecode(decoded.slice(colon + 1)) };
  }
  if (posted) return { method: 'client_secret_post', clientId: form.get('client_id'), clientSecret: form.get('client_secret') };
  return { method: 'none', clientId: form.get('client_id'), clientSecret: null };
}

interface Answer {
  status: number;
  body: unknown;
}

function send(res: ServerResponse, { status, body }: Answer): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

export async function startFakeTokenEndpoint(options: FakeTokenEndpointOptions = {}): Promise<FakeTokenEndpoint> {
  const clientId = options.clientId ?? FAKE_CLIENT_ID;
  const clientSecret = options.clientSecret ?? FAKE_CLIENT_SECRET;
  const expiresInSeconds = options.expiresInSeconds ?? 3600;
  const rotate = options.rotateRefreshTokens ?? true;
  const refreshTokens = new Map<string, { grant: Grant; spent: boolean }>();
  const accessTokens = new Map<string, Grant>();
  const stats: TokenEndpointStats = { requests: 0, grantsIssued: 0, invalidGrants: 0, reuseDetections: 0 };
  let mode: EndpointMode = 'normal';
  let lastClientAuth: ClientAuthSeen | null = null;
  let otherPathRequests = 0;

  function issue(grant: Grant, withRefreshToken: boolean): IssuedTokens {
    const accessToken = newToken('at');
    accessTokens.set(accessToken, grant);
    const refreshToken = withRefreshToken ? newToken('rt') : '';
    if (withRefreshToken) refreshTokens.set(refreshToken, { grant, spent: false });
    return { accessToken, refreshToken, expiresInSeconds };
  }

  function invalidGrant(description: string): Answer {
    stats.invalidGrants += 1;
    return { status: 400, body: { error: 'invalid_grant', error_description: description } };
  }

  /** RFC 6749 section 6, with oidc-provider's rotation and reuse detection. */
  function refresh(req: IncomingMessage, form: URLSearchParams): Answer {
    const auth = readClientAuth(req, form);
    if (auth === 'both') return { status: 400, body: { error: 'invalid_request', error_description: 'more than one client authentication method' } };
    lastClientAuth = auth;
    if (auth.clientId !== clientId || auth.clientSecret !== clientSecret) return { status: 401, body: { error: 'invalid_client' } };
    if (form.get('grant_type') !== 'refresh_token') return { status: 400, body: { error: 'unsupported_grant_type' } };
    const record = refreshTokens.get(form.get('refresh_token') ?? '');
    if (!record || record.grant.revoked) return invalidGrant('grant request is invalid');
    if (record.spent) {
      stats.reuseDetections += 1;
      record.grant.revoked = true;
      return invalidGrant('refresh token already used');
    }
    if (rotate) record.spent = true;
    const next = issue(record.grant, rotate);
    stats.grantsIssued += 1;
    const body = { access_token: next.accessToken, token_type: 'Bearer', expires_in: expiresInSeconds, scope: 'openid offline_access' };
    return { status: 200, body: rotate ? { ...body, refresh_token: next.refreshToken } : body };
  }

  function handle(req: IncomingMessage, res: ServerResponse, body: string): void {
    if (new URL(req.url ?? '/', 'http://127.0.0.1').pathname !== '/token' || req.method !== 'POST') {
      otherPathRequests += 1;
      return send(res, { status: 404, body: { error: 'not_found' } });
    }
    stats.requests += 1;
    if (mode === 'hang') return;
    if (mode === 'drop') return void req.socket.destroy();
    if (mode === 'unavailable') return send(res, { status: 503, body: { error: 'temporarily_unavailable' } });
    if (typeof mode === 'object') {
      res.writeHead(mode.status, { 'content-type': 'application/json', ...mode.headers });
      return void res.end(mode.body);
    }
    const result = refresh(req, new URLSearchParams(body));
    if (mode === 'spend-then-drop') return void req.socket.destroy();
    send(res, result);
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: `${origin}/token`,
    origin,
    issueGrant() {
      const grant: Grant = { revoked: false };
      return issue(grant, true);
    },
    revokeGrantOf(refreshToken) {
      const record = refreshTokens.get(refreshToken);
      if (record) record.grant.revoked = true;
    },
    isAccessTokenActive(accessToken) {
      const grant = accessTokens.get(accessToken);
      return grant !== undefined && !grant.revoked;
    },
    setMode(next) {
      mode = next;
    },
    stats,
    get lastClientAuth() {
      return lastClientAuth;
    },
    get otherPathRequests() {
      return otherPathRequests;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
