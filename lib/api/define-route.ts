import type { NextApiHandler, NextApiRequest, NextApiResponse } from 'next';
import { ZodError } from 'zod';
import { getSessions } from '../auth';
import { StoreUnavailableError } from '../db/store';
import type { Method } from '../http/method';
import { logError } from '../log';
import type { RequestSession } from 'next-auth-server-session';
import { setApiHeaders } from './api-headers';
import { RouteError } from './route-error';

type RouteHandler = (req: NextApiRequest, res: NextApiResponse, session: RequestSession) => Promise<void> | void;

interface ErrorReply {
  status: number;
  body: Record<string, unknown>;
  headers?: Readonly<Record<string, string>>;
}

/** The one place errors become HTTP. Unknown errors get a generic body: no message leaks. */
function toErrorReply(error: unknown): ErrorReply {
  if (error instanceof RouteError) return { status: error.status, body: { error: error.message, ...error.details }, headers: error.headers };
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

/**
 * A route: per-method handlers given the request's session, 405 with `Allow` for the rest,
 * the API headers on every answer (security headers, `Cache-Control: no-store`: they are
 * per-user), and errors mapped in one place. (An error answer carries no freshly issued
 * session: the session toolkit's rule.)
 */
export function defineRoute(handlers: Partial<Record<Method, RouteHandler>>): NextApiHandler {
  const allowed = Object.keys(handlers).join(', ');
  return async (req, res) => {
    try {
      setApiHeaders(res);
      const handler = handlers[req.method as Method];
      if (!handler) {
        res.setHeader('Allow', allowed);
        return res.status(405).json({ error: `Method ${req.method ?? ''} not allowed`, allow: allowed });
      }
      await handler(req, res, getSessions().forRequest(req, res));
    } catch (error) {
      const reply = toErrorReply(error);
      if (reply.status >= 500 && !(error instanceof StoreUnavailableError)) logError('api.unhandled-error', { method: req.method, url: req.url, error });
      if (res.headersSent) return void res.end();
      for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
      res.status(reply.status).json(reply.body);
    }
  };
}
