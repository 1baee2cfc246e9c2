import { defineRoute } from '@/lib/api';

/**
 * GET /api/health: liveness for a load balancer or a process manager. It touches neither
 * the session nor the store (a store outage is answered per request with 503), which also
 * makes it the benchmark's measure of what Next.js alone costs per request.
 */
export default defineRoute({
  GET: (_req, res) => {
    res.status(200).json({ status: 'ok' });
  },
  // Some probes only ask for the headers.
  HEAD: (_req, res) => {
    res.status(200).end();
  },
});
