// Child process: our server (startTaskMonitor, in memory) serving a built UI folder (argv[2]),
// with sessions seeded on request: `{ type: 'seed', sessionId, count }` → `{ type: 'seeded' }`.
import { startTaskMonitor } from '../../out/engine/launcher/start-task-monitor.js';
import { serveCommands } from '../lib/common.mjs';

const uiDir = process.argv[2];
if (!uiDir) throw new Error('usage: ui-server.mjs <built UI folder>');

/**
 * Seeded tasks look like the demo's (same parameters, status texts and result sentence) but run
 * in no time; one in ten fails, so the list has both outcomes to draw.
 */
const seedKind = {
  name: 'bench-ui',
  parse: (parameters) => parameters,
  async run({ name, parameters, report }) {
    report(100, 'Processing step 10/10');
    if (parameters.fail) throw new Error('Simulated failure at step 3/10');
    return `Task '${name}' completed successfully at ${new Date().toISOString().slice(0, 19).replace('T', ' ')}`;
  },
};

const FINAL = new Set(['completed', 'failed', 'cancelled']);

const monitor = await startTaskMonitor({ host: '127.0.0.1', port: 0, uiDir, logLevel: 'silent', inMemory: true, jobs: null, queueCapacity: 10_000 });
if (!monitor.servesUi) throw new Error(`the server did not mount the UI from ${uiDir}`);
monitor.engine.registerKind(seedKind);

/** Submits `count` tasks for `sessionId` (oldest first) and resolves once every one is final. */
async function seed({ sessionId, count }) {
  let left = count;
  let done;
  const allDone = new Promise((resolve) => (done = resolve));
  const off = monitor.engine.subscribe((event) => {
    if (event.type === 'taskUpdated' && event.stateChanged && event.task.clientId === sessionId && FINAL.has(event.task.state) && --left === 0) done();
  });
  try {
    for (let i = 0; i < count; i++) {
      const outcome = await monitor.engine.submit({
        name: `Import batch ${String(i + 1).padStart(4, '0')}`,
        clientId: sessionId,
        kind: 'bench-ui',
        parameters: { duration: 1000, fail: i % 10 === 9 },
      });
      if (!outcome.ok) throw new Error(`seeding refused: ${outcome.message}`);
    }
    if (count > 0) await allDone;
  } finally {
    off();
  }
  return { type: 'seeded', sessionId, count };
}

serveCommands({ seed });
process.on('SIGTERM', () => monitor.close().then(() => process.exit(0)));
process.send({ type: 'ready', url: monitor.url });
