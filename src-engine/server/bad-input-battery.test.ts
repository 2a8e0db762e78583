import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTaskMonitor, type RunningTaskMonitor } from '../launcher/start-task-monitor.js';
import { postJson } from '../test-support/http.js';
import { MessageCollector } from '../test-support/message-collector.js';
import { API_CSP, BASE_SECURITY_HEADERS } from './access/security-headers.js';
import { expectServerHealthy } from './access/test-support/healthy.js';
import { encodeFrame, OP, RawWebSocket, rawExchange, request } from './access/test-support/raw-client.js';

/**
 * A battery of hostile and broken inputs over real sockets. Every case asserts the specific
 * rejection, then that the server still runs a normal task to completion: no input may crash the
 * server, wedge it, or lose someone else's task. Cases run concurrently against one server.
 *
 * The text rule (see input-rules.ts): valid Unicode is accepted (emoji, RTL text and its marks,
 * zero-width joiners); control characters, line separators, bidi overrides/isolates and lone
 * surrogates are refused with 400 INVALID_CHARACTERS; a name of only invisible characters is
 * blank (400 "Task name is required"). Bytes that are not UTF-8 are decoded the standard way,
 * as U+FFFD, and accepted.
 */
let monitor: RunningTaskMonitor;
beforeAll(async () => {
  monitor = await startTaskMonitor({ host: '127.0.0.1', port: 0, uiDir: null, logLevel: 'silent', concurrency: 16, graceMs: 0, token: 'battery-token-0123456789abcdef' });
});
afterAll(async () => {
  await monitor.close();
});

const start = (body: string | Buffer, contentType = 'application/json') =>
  request(`${monitor.url}/api/task/start`, { method: 'POST', headers: { 'content-type': contentType }, body });

let nesting = '';
for (let i = 0; i < 20_000; i++) nesting += '[';
const deepArray = `${nesting}${']'.repeat(20_000)}`;

describe.concurrent('REST: POST /api/task/start', () => {
  const cases: Array<[string, string | Buffer, number, string, string?]> = [
    ['truncated JSON', '{"name": ', 400, 'VALIDATION_FAILED', 'The request body is not valid JSON'],
    ['trailing garbage after JSON', '{"name":"x","duration":1000} trailing', 400, 'VALIDATION_FAILED', 'The request body is not valid JSON'],
    ['an empty body', '', 400, 'VALIDATION_FAILED'],
    ['NaN (not JSON)', '{"name":"x","duration":NaN}', 400, 'VALIDATION_FAILED', 'The request body is not valid JSON'],
    ['a JSON array', '[1,2]', 400, 'VALIDATION_FAILED', 'Request body must be a JSON object'],
    ['a JSON string', '"task"', 400, 'VALIDATION_FAILED', 'Request body must be a JSON object'],
    ['JSON null', 'null', 400, 'VALIDATION_FAILED'],
    ['a number name', '{"name":42,"duration":1000}', 400, 'VALIDATION_FAILED', 'Task name is required'],
    ['an object name', '{"name":{"toString":"x"},"duration":1000}', 400, 'VALIDATION_FAILED', 'Task name is required'],
    ['a null name', '{"name":null,"duration":1000}', 400, 'VALIDATION_FAILED', 'Task name is required'],
    ['a huge name', JSON.stringify({ name: 'n'.repeat(10_000), duration: 1000 }), 400, 'VALIDATION_FAILED', 'Task name must be at most 200 characters'],
    ['201 emoji', JSON.stringify({ name: '😀'.repeat(201), duration: 1000 }), 400, 'VALIDATION_FAILED', 'Task name must be at most 200 characters'],
    ['a negative duration', '{"name":"x","duration":-1}', 400, 'VALIDATION_FAILED', 'Duration must be between 1000 and 30000 ms'],
    ['a zero duration', '{"name":"x","duration":0}', 400, 'VALIDATION_FAILED', 'Duration must be between 1000 and 30000 ms'],
    ['an infinite duration (1e999)', '{"name":"x","duration":1e999}', 400, 'VALIDATION_FAILED'],
    ['a minus-infinite duration', '{"name":"x","duration":-1e999}', 400, 'VALIDATION_FAILED'],
    ['a string duration', '{"name":"x","duration":"5000"}', 400, 'VALIDATION_FAILED', 'Duration must be a whole number of milliseconds between 1000 and 30000'],
    ['a "NaN" duration', '{"name":"x","duration":"NaN"}', 400, 'VALIDATION_FAILED'],
    ['a null duration', '{"name":"x","duration":null}', 400, 'VALIDATION_FAILED'],
    ['a numeric clientId', '{"name":"x","duration":1000,"clientId":7}', 400, 'VALIDATION_FAILED'],
    ['a too long clientId', JSON.stringify({ name: 'x', duration: 1000, clientId: 'c'.repeat(129) }), 400, 'VALIDATION_FAILED'],
    ['parameters as an array', '{"name":"x","duration":1000,"parameters":[1]}', 400, 'VALIDATION_FAILED'],
    ['parameters nested 20000 deep', `{"name":"x","duration":1000,"parameters":{"a":${deepArray}}}`, 400, 'INVALID_PARAMETERS', 'must not nest deeper than 16'],
    ['a negative failAtStep', '{"name":"x","duration":1000,"parameters":{"failAtStep":-1}}', 400, 'INVALID_PARAMETERS'],
    ['a string failAtStep', '{"name":"x","duration":1000,"parameters":{"failAtStep":"3"}}', 400, 'INVALID_PARAMETERS'],
    ['a fractional failAtStep', '{"name":"x","duration":1000,"parameters":{"failAtStep":2.5}}', 400, 'INVALID_PARAMETERS'],
    ['an unknown kind', '{"name":"x","kind":"rocket"}', 400, 'UNKNOWN_KIND'],
    ['a numeric kind', '{"name":"x","kind":1}', 400, 'VALIDATION_FAILED'],
    ['a string priority', '{"name":"x","duration":1000,"priority":"high"}', 400, 'VALIDATION_FAILED'],
    ['a fractional duration (whole milliseconds only)', '{"name":"x","duration":1500.5}', 400, 'VALIDATION_FAILED', 'Duration must be a whole number of milliseconds between 1000 and 30000'],
    ['a fractional duration in parameters', '{"name":"x","parameters":{"duration":1500.5}}', 400, 'INVALID_PARAMETERS', 'Duration must be a whole number of milliseconds'],
    ['a __proto__ key (prototype poisoning)', '{"name":"x","duration":1000,"__proto__":{"admin":true}}', 400, 'VALIDATION_FAILED', 'The key __proto__ is not allowed in the request body'],
    ['a nested __proto__ key', '{"name":"x","duration":1000,"parameters":{"a":[{"__proto__":{"admin":true}}]}}', 400, 'VALIDATION_FAILED', 'The key __proto__ is not allowed in the request body'],
    ['a constructor.prototype key', '{"name":"x","duration":1000,"parameters":{"constructor":{"prototype":{"admin":true}}}}', 400, 'VALIDATION_FAILED', 'The key constructor.prototype is not allowed in the request body'],
    ['a NUL in the name', JSON.stringify({ name: 'a\u0000b', duration: 1000 }), 400, 'INVALID_CHARACTERS', 'U+0000'],
    ['a newline in the name', JSON.stringify({ name: 'two\nlines', duration: 1000 }), 400, 'INVALID_CHARACTERS', 'U+000A'],
    ['an ANSI escape in the name', JSON.stringify({ name: '\u001b[2Jcleared', duration: 1000 }), 400, 'INVALID_CHARACTERS'],
    ['a right-to-left override in the name', JSON.stringify({ name: 'invoice\u202Efdp.exe', duration: 1000 }), 400, 'INVALID_CHARACTERS', 'U+202E'],
    ['a lone surrogate in the name', '{"name":"bad \\ud800 text","duration":1000}', 400, 'INVALID_CHARACTERS', 'lone surrogate'],
    ['a lone surrogate in the clientId', '{"name":"x","duration":1000,"clientId":"\\udfff"}', 400, 'INVALID_CHARACTERS'],
    ['a name of zero-width characters only', JSON.stringify({ name: '\u200b\u200d\ufeff', duration: 1000 }), 400, 'TASK_NAME_REQUIRED', 'Task name is required'],
  ];
  it.each(cases)('%s → %i %s', async (_label, body, status, code, message) => {
    const response = await start(body);
    expect(response.status, response.body).toBe(status);
    expect(response.json).toMatchObject({ taskId: '', code, status: 'Error', ...(message ? { message: expect.stringContaining(message) } : {}) });
    await expectServerHealthy(monitor.url);
  });

  it('a body over 64 KiB gets 413', async () => {
    const response = await start(JSON.stringify({ name: 'x', duration: 1000, parameters: { blob: 'b'.repeat(70_000) } }));
    expect(response.status).toBe(413);
    expect(response.json).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', taskId: '' });
    await expectServerHealthy(monitor.url);
  });

  it.each([
    ['text/plain', '{"name":"x","duration":1000}'],
    ['application/x-www-form-urlencoded', 'name=x&duration=1000'],
    ['multipart/form-data; boundary=b', '--b\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n--b--'],
    ['text/plain; application/json', '{"name":"x","duration":1000}'],
    ['application/json-patch+json', '{"name":"x","duration":1000}'],
  ])('a %s body gets 415', async (type, body) => {
    const response = await start(body, type);
    expect(response.status).toBe(415);
    expect(response.json).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
    await expectServerHealthy(monitor.url);
  });

  it.each([
    ['emoji', '🚀 Deploy 👩‍💻 🇯🇵'],
    ['right-to-left text with marks', 'تقرير\u200f يومي'],
    ['zero-width joiners inside a word', 'a\u200db'],
    ['200 emoji (the limit counts characters, not UTF-16 units)', '😀'.repeat(200)],
    ['CJK and combining marks', '報告 e\u0301'],
  ])('a name with %s is accepted and comes back unchanged, over REST and WebSocket', async (_label, name) => {
    const session = `unicode-${Math.random()}`;
    const client = await MessageCollector.open(monitor.url, session);
    try {
      const response = await postJson(`${monitor.url}/api/task/start`, { name, duration: 1000, clientId: session });
      expect(response.status).toBe(200);
      const final = await client.waitForFinal(response.body.taskId);
      expect(final.data.name).toBe(name);
      expect(final.data.status).toBe('Completed');
      const listed = await request(`${monitor.url}/api/tasks/${response.body.taskId}?clientId=${encodeURIComponent(session)}`);
      expect(listed.json.name).toBe(name);
    } finally {
      await client.close();
    }
  });

  it('bytes that are not UTF-8 are decoded as U+FFFD and accepted', async () => {
    const body = Buffer.concat([Buffer.from('{"name":"latin1 '), Buffer.from([0xe9, 0xff]), Buffer.from('","duration":1000,"clientId":"bytes"}')]);
    const response = await start(body);
    expect(response.status).toBe(200);
    expect(monitor.engine.get(response.json.taskId)?.name).toBe('latin1 \ufffd\ufffd');
  });
});

describe.concurrent('REST: other routes and URLs', () => {
  it.each([
    ['/api/tasks?clientId=x&limit=-1', 400, 'VALIDATION_FAILED'],
    ['/api/tasks?clientId=x&limit=abc', 400, 'VALIDATION_FAILED'],
    ['/api/tasks?clientId=x&offset=99999999999', 400, 'VALIDATION_FAILED'],
    ['/api/tasks?clientId=x&state=bogus', 400, 'VALIDATION_FAILED'],
    ['/api/tasks?all=yes-please', 400, 'VALIDATION_FAILED'],
    ['/api/tasks/%E0%A4%A?clientId=x', 400, 'VALIDATION_FAILED'],
    [`/api/tasks/${'a'.repeat(5000)}?clientId=x`, 400, 'VALIDATION_FAILED'],
    ['/api/tasks/unknown-id?clientId=x', 404, 'NOT_FOUND'],
    ['/api/../../etc/passwd', 404, 'NOT_FOUND'],
  ])('GET %s → %i', async (path, status, code) => {
    const response = await request(`${monitor.url}${path}`);
    expect(response.status).toBe(status);
    expect(response.json).toMatchObject({ code, status: 'Error' });
    expect(response.body).not.toContain('aaaaaaaaaa'); // input is not echoed back
    await expectServerHealthy(monitor.url);
  });

  // The router refuses these before any hook runs (fastify's frameworkErrors): they must still
  // carry every header an API answer carries, like a 404 that went through the hooks.
  it.each([
    ['a malformed percent-encoding', '/api/tasks/%E0%A4%A?clientId=x'],
    ['a path segment longer than the router allows', `/api/tasks/${'a'.repeat(5000)}?clientId=x`],
  ])('a URL the router refuses (%s) gets the same security headers as any API answer', async (_what, path) => {
    const refused = await request(`${monitor.url}${path}`);
    const routed = await request(`${monitor.url}/api/tasks/unknown-id?clientId=x`);
    expect(refused.status).toBe(400);
    for (const [name, value] of Object.entries(BASE_SECURITY_HEADERS)) expect(refused.headers[name.toLowerCase()], name).toBe(value);
    expect(refused.headers['content-security-policy']).toBe(API_CSP);
    expect(refused.headers['cache-control']).toBe('no-store');
    for (const name of [...Object.keys(BASE_SECURITY_HEADERS).map((n) => n.toLowerCase()), 'content-security-policy']) {
      expect(refused.headers[name], name).toBe(routed.headers[name]);
    }
  });

  it('malformed JSON on a control route gets 400', async () => {
    const response = await request(`${monitor.url}/api/tasks/x/cancel`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
    expect(response.status).toBe(400);
    await expectServerHealthy(monitor.url);
  });

  it('a request line that is not HTTP, and headers over 16 KiB, get 400 and 431 from the HTTP parser', async () => {
    expect((await rawExchange(monitor.port, 'HELLO\r\n\r\n')).text).toMatch(/^HTTP\/1\.1 400/);
    expect((await rawExchange(monitor.port, `GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`)).text).toMatch(/^HTTP\/1\.1 431/);
    expect((await rawExchange(monitor.port, 'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n')).text).toMatch(/^HTTP\/1\.1 400/);
    await expectServerHealthy(monitor.url);
  });
});

describe.concurrent('browser boundary and credentials (from loopback; LAN clients in access/lan-access.netns.test.ts)', () => {
  it('a foreign Origin on POST and on the WebSocket gets 403', async () => {
    const post = await request(`${monitor.url}/api/task/start`, { method: 'POST', headers: { 'content-type': 'application/json', origin: 'https://evil.example' }, body: '{"name":"x","duration":1000}' });
    expect(post.status).toBe(403);
    expect(post.json).toMatchObject({ code: 'ORIGIN_NOT_ALLOWED' });
    await expect(RawWebSocket.open(monitor.port, '/ws', { Origin: 'https://evil.example' })).rejects.toThrow(/403/);
    await expectServerHealthy(monitor.url);
  });

  it('a rebinding Host gets 403 on HTTP and on the WebSocket', async () => {
    const response = await request(`${monitor.url}/health`, { headers: { host: 'rebind.evil.example' } });
    expect(response.status).toBe(403);
    expect(response.json).toMatchObject({ code: 'HOST_NOT_ALLOWED' });
    const upgrade = `GET /ws HTTP/1.1\r\nHost: rebind.evil.example\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`;
    expect((await rawExchange(monitor.port, upgrade)).text).toMatch(/^HTTP\/1\.1 403/);
    await expectServerHealthy(monitor.url);
  });

  it('a forged bearer token or device cookie gets nothing (401 / cookie cleared)', async () => {
    const forged = await request(`${monitor.url}/api/devices`, { headers: { authorization: 'Bearer forged-token-forged-token' } });
    expect(forged.status).toBe(401);
    expect(forged.json).toMatchObject({ code: 'INVALID_TOKEN' });
    const cookie = await request(`${monitor.url}/api/tasks?clientId=x`, { headers: { cookie: `task_monitor_device_${monitor.port}=forged` } });
    expect(cookie.status).toBe(200); // loopback needs no credential: the forged cookie is just removed
    expect(String(cookie.headers['set-cookie'])).toMatch(/Max-Age=0/);
    await expectServerHealthy(monitor.url);
  });
});

describe.concurrent('WebSocket frames', () => {
  const open = (session: string) => RawWebSocket.open(monitor.port, `/ws?sessionId=${session}`);

  it('unknown message types, non-JSON text, JSON scalars and binary frames are ignored; the socket stays open', async () => {
    const client = await MessageCollector.open(monitor.url, 'battery-garbage');
    for (const frame of ['{"type":"launchMissiles"}', '{not json', 'null', '42', '"ping"', '{"type":{"nested":"ping"}}', '{"type":"ping","data":' + '['.repeat(1000) + ']'.repeat(1000) + '}']) client.send(frame);
    client.send(Buffer.from([0, 1, 2, 0xff]), { binary: true });
    client.send(JSON.stringify({ type: 'ping' }));
    await client.waitFor((m) => m.type === 'pong', 'pong after garbage');
    expect(client.socket.readyState).toBe(client.socket.OPEN);
    await client.close();
    await expectServerHealthy(monitor.url);
  });

  it.each([
    ['text that is not UTF-8', () => encodeFrame(OP.text, Buffer.from([0x7b, 0xff, 0xfe, 0x7d])), 1007],
    ['an unmasked client frame', () => encodeFrame(OP.text, '{"type":"ping"}', { mask: false }), 1002],
    ['a reserved opcode', () => encodeFrame(0x3, 'x'), 1002],
    ['RSV bits without an extension', () => encodeFrame(OP.text, 'x', { rsv: 0b100 }), 1002],
    ['a ping over 125 bytes', () => encodeFrame(OP.ping, 'p'.repeat(200)), 1002],
    ['a fragmented ping', () => encodeFrame(OP.ping, 'p', { fin: false }), 1002],
    ['a continuation with nothing to continue', () => encodeFrame(OP.continuation, 'x'), 1002],
    ['a new message inside a fragmented one', () => Buffer.concat([encodeFrame(OP.text, 'a', { fin: false }), encodeFrame(OP.text, 'b')]), 1002],
    ['a close frame with an invalid code', () => encodeFrame(OP.close, Buffer.from([0x03, 0xe7])), 1002],
    ['a frame claiming 2^53 bytes', () => Buffer.from([0x81, 0xff, 0x00, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4]), 1009],
    ['a 64 KiB frame', () => encodeFrame(OP.text, 'x'.repeat(65_536)), 1009],
  ])('%s closes that socket with %i', async (label, frame, code) => {
    const client = await open(`battery-${label.replace(/\W+/g, '-')}`);
    client.write(frame());
    expect((await client.closed()).code).toBe(code);
    client.destroy();
    await expectServerHealthy(monitor.url);
  });

  it('a handshake with a bad version, a bad key or another path is refused with an HTTP error', async () => {
    const handshake = (path: string, extra: string) => `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n${extra}\r\n`;
    expect((await rawExchange(monitor.port, handshake('/ws', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 7\r\n'))).text).toMatch(/^HTTP\/1\.1 4\d\d/);
    expect((await rawExchange(monitor.port, handshake('/ws', 'Sec-WebSocket-Key: short\r\nSec-WebSocket-Version: 13\r\n'))).text).toMatch(/^HTTP\/1\.1 400/);
    expect((await rawExchange(monitor.port, handshake('/elsewhere', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n'))).text).toMatch(/^HTTP\/1\.1 404/);
    await expectServerHealthy(monitor.url);
  });

  it.each([
    ['a refused path', '/elsewhere'],
    ['/ws', '/ws?sessionId=battery-reset'],
  ])('a client that resets the connection right after an upgrade request to %s does not crash the server', async (_label, path) => {
    // Node hands 'upgrade' a socket without an 'error' listener: the reset used to surface as an
    // unhandled ECONNRESET from our answer's write, which killed the process.
    for (let i = 0; i < 100; i++) {
      await new Promise<void>((resolve) => {
        const socket = connect(monitor.port, '127.0.0.1', () => {
          socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`);
          setImmediate(() => {
            socket.resetAndDestroy();
            resolve();
          });
        });
        socket.on('error', () => resolve());
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 200)); // the server's writes fail after the resets arrive
    await expectServerHealthy(monitor.url);
  });
});
