import type { FastifyInstance } from 'fastify';
import { redactedUrl } from './access/request-guard.js';

/**
 * One log line per answered request, at `debug` (fastify's own request logging, two lines at
 * `info` per request, is turned off): method, URL (pairing codes masked), status and time. Costs
 * a level check per request when debug is off.
 */
export function installRequestLog(app: FastifyInstance): void {
  app.addHook('onResponse', (request, reply, done) => {
    const log = request.log;
    if (log.level === 'debug' || log.level === 'trace') {
      const url = redactedUrl(request.url);
      const ms = Math.round(reply.elapsedTime * 10) / 10;
      log.debug({ statusCode: reply.statusCode, ms }, `${request.method} ${url} ${reply.statusCode}`);
    }
    done();
  });
}
