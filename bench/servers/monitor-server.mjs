// Child process: our server (startTaskMonitor, API only, in memory), reporting its memory on request.
import { startTaskMonitor } from '../../out/engine/launcher/start-task-monitor.js';
import { serveCommands } from '../lib/common.mjs';
import { memoryReport } from './memory-report.mjs';

const monitor = await startTaskMonitor({ port: 0, uiDir: null, logLevel: 'silent', inMemory: true, limits: { maxConnections: 20_000 } });
serveCommands({ memory: memoryReport });
process.on('SIGTERM', () => monitor.close().then(() => process.exit(0)));
process.send({ type: 'ready', url: monitor.url, wsUrl: `${monitor.url.replace('http', 'ws')}/ws` });
