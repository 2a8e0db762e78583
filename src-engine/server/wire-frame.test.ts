import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { encodeFrame, rawStreamOf, wireFrame, wireOf } from './wire-frame.js';

/** Parses one unmasked server frame: [fin+opcode, payload]. */
function parse(wire: Buffer): { first: number; payload: Buffer } {
  let length = wire[1]! & 0x7f;
  let offset = 2;
  if (length === 126) {
    length = wire.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    length = wire.readUInt32BE(2) * 2 ** 32 + wire.readUInt32BE(6);
    offset = 10;
  }
  expect(wire[1]! & 0x80).toBe(0); // a server never masks
  expect(wire.length).toBe(offset + length);
  return { first: wire[0]!, payload: wire.subarray(offset) };
}

describe('wire frames', () => {
  it('frame a payload as one final text frame, with 7-bit, 16-bit and 64-bit lengths', () => {
    for (const size of [0, 1, 125, 126, 65_535, 65_536, 70_000]) {
      const payload = Buffer.alloc(size, 'a');
      const { first, payload: carried } = parse(wireFrame(payload));
      expect(first).toBe(0x81);
      expect(carried.equals(payload)).toBe(true);
    }
  });

  it('encode text, multi-byte characters included, right after its own header: its wire form costs no copy', () => {
    for (const text of ['{"a":1}', `{"s":"${'é'.repeat(100)}"}`, `{"s":"${'😀'.repeat(40_000)}"}`, 'x'.repeat(125), 'x'.repeat(126)]) {
      const payload = encodeFrame(text);
      expect(payload.toString()).toBe(text);
      const wire = wireOf(payload);
      expect(wire.buffer).toBe(payload.buffer); // the same memory
      expect(parse(wire).payload.equals(payload)).toBe(true);
    }
  });

  it('keep every frame intact while later ones are encoded (across slabs)', () => {
    const frames = Array.from({ length: 2000 }, (_, i) => [`{"n":${i},"pad":"${'p'.repeat(i % 300)}"}`, encodeFrame(`{"n":${i},"pad":"${'p'.repeat(i % 300)}"}`)] as const);
    for (const [text, payload] of frames) expect(payload.toString()).toBe(text);
  });

  it('frame by a copy a payload that is not the one encoded last', () => {
    const older = encodeFrame('{"older":true}');
    encodeFrame('{"newer":true}');
    const wire = wireOf(older);
    expect(wire.buffer).not.toBe(older.buffer);
    expect(parse(wire).payload.toString()).toBe('{"older":true}');
    expect(parse(wireOf(Buffer.from('{"foreign":1}'))).payload.toString()).toBe('{"foreign":1}');
  });
});

describe('rawStreamOf', () => {
  let server: Server | undefined;
  let wss: WebSocketServer | undefined;
  afterEach(async () => {
    wss?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  });

  async function connect(perMessageDeflate: boolean): Promise<{ serverSide: WebSocket; client: WebSocket }> {
    server = createServer();
    wss = new WebSocketServer({ server, perMessageDeflate });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const accepted = once(wss, 'connection') as Promise<[WebSocket]>;
    const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}/`, { perMessageDeflate });
    const [serverSide] = await accepted;
    await once(client, 'open');
    return { serverSide, client };
  }

  it('gives the stream of a plain socket, and what is written to it arrives as a message', async () => {
    const { serverSide, client } = await connect(false);
    const stream = rawStreamOf(serverSide);
    expect(stream).toBeDefined();
    const message = once(client, 'message') as Promise<[Buffer, boolean]>;
    stream!.write(wireOf(encodeFrame('{"type":"hello"}')));
    const [data, isBinary] = await message;
    expect(isBinary).toBe(false);
    expect(data.toString()).toBe('{"type":"hello"}');
    client.terminate();
  });

  it('gives nothing for a socket with permessage-deflate: ws must frame (and compress) its frames', async () => {
    const { serverSide, client } = await connect(true);
    expect(serverSide.extensions).not.toBe('');
    expect(rawStreamOf(serverSide)).toBeUndefined();
    client.terminate();
  });
});
