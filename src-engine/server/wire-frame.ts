import type WebSocket from 'ws';

/**
 * The TCP stream under a `ws` socket, for writing frames this module framed. Only `write`, `cork`
 * and `uncork` are used.
 */
export interface RawStream {
  write(data: Buffer): boolean;
  cork(): void;
  uncork(): void;
}

/**
 * A server's text frame as it goes on the wire: the header (FIN + text opcode, unmasked length)
 * followed by the payload, in one Buffer.
 *
 * Why: a frame a server sends is the same bytes for every socket (servers never mask), so a
 * message for N sockets can be framed once and handed to each socket's stream with one `write`,
 * where `ws.send` builds an options object, a header Buffer and a two-chunk corked write (a
 * `writev`) per socket, which was most of the send path's CPU.
 */
export function wireFrame(payload: Buffer): Buffer {
  const length = payload.length;
  const header = headerLength(length);
  const frame = Buffer.allocUnsafe(header + length);
  writeHeader(frame, 0, length);
  payload.copy(frame, header);
  return frame;
}

/** Largest header of a server frame: 2 bytes, 8 of them the 64-bit length. */
export const MAX_HEADER = 10;
const SLAB_BYTES = 64 * 1024;
let slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
let used = 0;
/** The last frame {@link encodeFrame} made, and its wire form. */
let lastPayload: Buffer | undefined;
let lastWire: Buffer | undefined;

/**
 * Encodes a message's text into a Buffer (its payload) that sits right after its own frame
 * header, so that {@link wireOf} gets the wire form without a copy.
 *
 * Why a slab of our own: frames sent outside a session's journal die young (the kernel takes them
 * at once), and `Buffer.from` cut them from Node's 8 KiB pool, which allocated a new
 * ArrayBuffer every dozen frames (9 % of the server's CPU with 1,000 sessions). A text is written
 * at most 3 bytes per UTF-16 unit, so room is checked without measuring it first.
 */
export function encodeFrame(text: string): Buffer {
  const room = frameRoom(text);
  let target: Buffer;
  let start: number;
  if (room > SLAB_BYTES / 4) {
    // A big message (a snapshot): a Buffer of its own, so that it does not pin a slab.
    target = Buffer.allocUnsafeSlow(MAX_HEADER + Buffer.byteLength(text));
    start = 0;
  } else {
    if (used + room > SLAB_BYTES) {
      slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
      used = 0;
    }
    target = slab;
    start = used;
  }
  const payload = encodeFrameIn(target, start, text);
  if (target === slab) used = start + MAX_HEADER + payload.length;
  return payload;
}

/**
 * Encodes a message's text into `target` at `start + MAX_HEADER` with its frame header right
 * before it, and returns the payload (a view): {@link wireOf} then gets the wire form without a
 * copy. The caller makes sure `target` has room from `start` for {@link frameRoom}`(text)` bytes.
 */
export function encodeFrameIn(target: Buffer, start: number, text: string): Buffer {
  const length = target.write(text, start + MAX_HEADER);
  const header = headerLength(length);
  const first = start + MAX_HEADER - header;
  writeHeader(target, first, length);
  lastPayload = target.subarray(start + MAX_HEADER, start + MAX_HEADER + length);
  lastWire = target.subarray(first, start + MAX_HEADER + length);
  return lastPayload;
}

/** Bytes that always hold a text's frame (header and payload), without measuring it: at most 3 bytes per UTF-16 unit. */
export function frameRoom(text: string): number {
  return MAX_HEADER + text.length * 3;
}

/**
 * The wire form of a payload: free for the frame {@link encodeFrame} made last (the usual case:
 * the journal encodes a message, then the hub publishes it), else framed by a copy.
 */
export function wireOf(payload: Buffer): Buffer {
  return payload === lastPayload ? lastWire! : wireFrame(payload);
}

function headerLength(length: number): number {
  return length < 126 ? 2 : length < 65_536 ? 4 : 10;
}

/** Writes a server text frame's header for a payload of `length` bytes at `offset`. */
function writeHeader(target: Buffer, offset: number, length: number): void {
  target[offset] = 0x81; // FIN, text
  if (length < 126) target[offset + 1] = length;
  else if (length < 65_536) {
    target[offset + 1] = 126;
    target.writeUInt16BE(length, offset + 2);
  } else {
    target[offset + 1] = 127;
    target.writeUInt32BE(Math.floor(length / 2 ** 32), offset + 2);
    target.writeUInt32BE(length >>> 0, offset + 6);
  }
}

/**
 * The stream of a `ws` socket when our own framing may be written to it, else undefined (the
 * caller uses `send`). That holds while no extension (permessage-deflate) was negotiated: `ws`
 * then writes every frame synchronously, never queues one, so frames written here and by `ws`
 * (pings, close, `send`) reach the stream in the order they were written; and `bufferedAmount`
 * still counts them, since it reads the stream's own buffer.
 */
export function rawStreamOf(socket: WebSocket): RawStream | undefined {
  if (socket.extensions !== '') return undefined;
  // `_socket` is ws's field for the underlying net.Socket (set once the handshake completed).
  const stream = (socket as unknown as { _socket?: Partial<RawStream> })._socket;
  if (!stream || typeof stream.write !== 'function' || typeof stream.cork !== 'function' || typeof stream.uncork !== 'function') return undefined;
  return stream as RawStream;
}
