import type { FastifyInstance } from 'fastify';
import { STATS_RANGES, type StatsRange, type StatsRollups } from '../../metrics/stats-rollups.js';
import { isOwner } from '../access/request-principal.js';
import { sendError } from '../error-catalog.js';
import { ERROR_RESPONSES, objectOf } from '../schemas/shared-schemas.js';

const nullableNumber = { type: ['number', 'null'] } as const;

/** One chart point (src-engine/metrics/stats-rollups.ts `StatsPoint`); also the `statsTick` frame's data. */
export const STATS_POINT_SCHEMA = objectOf({
  t: { type: 'string', format: 'date-time', description: 'Start of the step' },
  completed: { type: 'integer' },
  failed: { type: 'integer' },
  cancelled: { type: 'integer' },
  queueMax: { ...nullableNumber, description: 'Highest queue depth sampled; null when nothing was sampled (server down)' },
  runningMax: { ...nullableNumber, description: 'Highest running count sampled; null when nothing was sampled' },
  p50: { ...nullableNumber, description: 'Median duration in ms (within ~12 %); null when no task finished' },
  p95: { ...nullableNumber, description: '95th percentile duration in ms (within ~12 %)' },
});

const querySchema = {
  type: 'object',
  properties: { range: { type: 'string', enum: Object.keys(STATS_RANGES) }, kind: { type: 'string', maxLength: 64 } },
} as const;

/**
 * `GET /api/stats?range=1h|24h|7d[&kind=K]`: the owner's charts of the queue's life, from the
 * per-minute rollups, in 1 min steps over an hour, 15 min over a day, 1 h over a week.
 */
export function registerStatsRoutes(app: FastifyInstance, stats: StatsRollups): void {
  app.get<{ Querystring: { range?: StatsRange; kind?: string } }>(
    '/api/stats',
    {
      schema: {
        summary: 'Tasks completed, failed and cancelled, queue depth, running count and duration percentiles over time (owner only)',
        tags: ['observability'],
        security: [{ bearer: [] }],
        querystring: querySchema,
        response: {
          200: objectOf({
            range: { type: 'string', enum: Object.keys(STATS_RANGES) },
            stepSeconds: { type: 'integer' },
            kind: { type: ['string', 'null'], description: 'The kind asked for; null for all kinds' },
            points: { type: 'array', items: STATS_POINT_SCHEMA },
          }),
          ...ERROR_RESPONSES,
        },
      },
    },
    (request, reply) => {
      if (!isOwner(request)) return sendError(reply, 'OWNER_ONLY', 'Only the owner (on this machine, or with the API token) may read the stats of every session');
      const range = request.query.range ?? '1h';
      const kind = request.query.kind;
      return { range, kind: kind ?? null, ...stats.query(range, kind) };
    },
  );
}
