import type { NextApiRequest, NextApiResponse } from 'next';

/** GET /api/ping: no session, no work: what Next.js alone costs per request (the floor). */
export default function ping(_req: NextApiRequest, res: NextApiResponse) {
  res.status(200).json({ status: 'ok' });
}
