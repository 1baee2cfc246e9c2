import type { NextApiHandler, NextApiRequest, NextApiResponse } from 'next';
import { ZodError } from 'zod';
import { hasUpdatedSession, reissueIfLeftStale } from '../auth';
import { StoreUnavailableError } from '../db/store';
import { REVALIDATE_HEADER } from '../session/next-adapter';
import { RouteError } from './route-error';

type Method = 'GET' | 'HEAD' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
type RouteHandler = (req: NextApiRequest, res: NextApiResponse) => Promise<void> | void;

interface ErrorReply {
  status: number;
  body: Record<string, unknown>;
  keepSessionCookies?: boolean;
}

/** The one place errors become HTTP. Unknown errors get a generic body: no message leaks. */
export function toErrorReply(error: unknown): ErrorReply {
  if (error instanceof RouteError) {
    return { status: error.status, body: { error: error.message, ...error.details }, keepSessionCookies: error.options.keepSessionCookies };
  }
  if (error instanceof ZodError) {
    return {
      status: 400,
      body: {
        error: 'Invalid request',
        issues: error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
      },
    };
  }
  if (error instanceof StoreUnavailableError) {
    return { status: 503, body: { error: 'Service temporarily unavailable; please retry' } };
  }
  return { status: 500, body: { error: 'Internal server error' } };
}

function sendError(res: NextApiResponse, reply: ErrorReply): void {
  // An error response never changes the client's session (drop any cookie written before
  // the failure), except the expiry of a session the server refused (revoked, user gone)
  // and a session already re-issued from the store in this request.
  if (!reply.keepSessionCookies && !hasUpdatedSession(res)) {
    res.removeHeader('Set-Cookie');
    res.removeHeader(REVALIDATE_HEADER);
  }
  res.status(reply.status).json(reply.body);
}

/** A failed write on a stale token still answers with the fresh session; if even that fails, the error stands alone. */
async function reissueStaleQuietly(req: NextApiRequest, res: NextApiResponse): Promise<void> {
  try {
    await reissueIfLeftStale(req, res);
  } catch {
    // The store failed too: answer the original error, with no cookie (sendError drops any).
  }
}

/**
 * A route: per-method handlers, 405 with `Allow` for the rest, `Cache-Control: no-store`
 * on every answer (they are per-user), and errors mapped in one place.
 */
export function defineRoute(handlers: Partial<Record<Method, RouteHandler>>): NextApiHandler {
  const allowed = Object.keys(handlers).join(', ');
  return async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    const handler = handlers[req.method as Method];
    if (!handler) {
      res.setHeader('Allow', allowed);
      return sendError(res, { status: 405, body: { error: `Method ${req.method ?? ''} not allowed`, allow: allowed } });
    }
    try {
      await handler(req, res);
    } catch (error) {
      const reply = toErrorReply(error);
      if (reply.status >= 500 && !(error instanceof StoreUnavailableError)) console.error('[api] unhandled error', error);
      if (res.headersSent) return void res.end();
      if (reply.status < 500) await reissueStaleQuietly(req, res);
      sendError(res, reply);
    }
  };
}
