// Child process: runs autocannon (bounded duration) against one URL and reports the figures.
import autocannon from 'autocannon';
import { serveCommands } from '../lib/common.mjs';

serveCommands({
  async load({ url, requests, connections, durationSeconds }) {
    const result = await autocannon({
      url,
      connections,
      pipelining: 1,
      duration: durationSeconds,
      requests,
    });
    return {
      type: 'loaded',
      requestsPerSecond: result.requests.average,
      total: result.requests.total,
      non2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
      latencyP99: result.latency.p99,
      statusCodes: result.statusCodeStats,
    };
  },
});
