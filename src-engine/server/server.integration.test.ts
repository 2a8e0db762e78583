import { startTaskMonitor } from '../launcher/start-task-monitor.js';
import { describeSeedContract } from '../test-support/seed-contract.js';

/** The seed's wire contract against one node (the cluster runs the same suite: backends/redis). */
describeSeedContract(async () => {
  const monitor = await startTaskMonitor({ host: '127.0.0.1', port: 0, uiDir: null, logLevel: 'silent', concurrency: 4 });
  return { restUrl: monitor.url, wsUrl: monitor.url, close: () => monitor.close() };
});
