// Child process: a bare ws server (no engine, no greeting), reporting its memory on request.
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';
import { serveCommands } from '../lib/common.mjs';
import { memoryReport } from './memory-report.mjs';

const server = createServer();
const wss = new WebSocketServer({ server, perMessageDeflate: false });
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
serveCommands({ memory: memoryReport });
process.on('SIGTERM', () => {
  wss.close();
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
const url = `http://127.0.0.1:${server.address().port}`;
process.send({ type: 'ready', url, wsUrl: `${url.replace('http', 'ws')}/ws` });
