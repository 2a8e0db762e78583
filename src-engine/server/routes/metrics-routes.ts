import type { FastifyInstance } from 'fastify';
import type { TaskMetrics } from '../../metrics/task-metrics.js';
import { isOwner } from '../access/request-principal.js';
import { sendError } from '../error-catalog.js';
import { ERROR_RESPONSES } from '../schemas/shared-schemas.js';

/** Path of the Prometheus endpoint. */
export const METRICS_PATH = '/metrics';

/** Options of {@link registerMetricsRoutes}. */
export interface MetricsRouteOptions {
  metrics: TaskMetrics;
  /** `--metrics-public`: anyone who can reach the server may scrape (no pairing, no token). */
  public: boolean;
}

/**
 * `GET /metrics`: the Prometheus text exposition. The owner's (loopback or API token) unless
 * opened with `--metrics-public`: counts and timings say how busy the machine is, which is not
 * every paired phone's business.
 */
export function registerMetricsRoutes(app: FastifyInstance, { metrics, public: open }: MetricsRouteOptions): void {
  app.get(
    METRICS_PATH,
    {
      schema: {
        summary: 'Prometheus metrics (text exposition format)',
        tags: ['observability'],
        security: [{ bearer: [] }],
        response: {
          200: { description: 'Prometheus text format 0.0.4', type: 'string' },
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request, reply) => {
      if (!open && !isOwner(request)) return sendError(reply, 'OWNER_ONLY', 'Only the owner (on this machine, or with the API token) may read the metrics; start the server with --metrics-public to open them');
      const { contentType, text } = await metrics.scrape();
      return reply.type(contentType).send(text);
    },
  );
}
