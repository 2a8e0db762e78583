import { describe, expect, it } from 'vitest';
import { formatLogLine, prettyLogStream } from './pretty-log.js';

const at = () => '14:03:07';

describe('formatLogLine', () => {
  it('writes time, level word and message, then the extra fields as key=value', () => {
    const line = formatLogLine({ level: 30, time: 1, pid: 9, hostname: 'h', msg: 'server started', url: 'http://127.0.0.1:5000', ui: false }, { formatTime: at });
    expect(line).toBe('14:03:07 INFO  server started url=http://127.0.0.1:5000 ui=false');
  });

  it('names every level; quotes values with spaces; cuts long ones', () => {
    expect(formatLogLine({ level: 40, time: 1, msg: 'careful', note: 'two words' }, { formatTime: at })).toBe('14:03:07 WARN  careful note="two words"');
    expect(formatLogLine({ level: 20, time: 1, msg: 'GET / 200' }, { formatTime: at })).toBe('14:03:07 DEBUG GET / 200');
    expect(formatLogLine({ level: 60, time: 1, msg: 'x' }, { formatTime: at })).toMatch(/ FATAL x$/);
    expect(formatLogLine({ level: 30, time: 1, msg: 'm', big: 'x'.repeat(500) }, { formatTime: at }).length).toBeLessThan(260);
  });

  it('adds an error\'s message, and its stack for errors', () => {
    const err = { type: 'Error', message: 'disk full', stack: 'Error: disk full\n    at write (store.ts:1:1)' };
    expect(formatLogLine({ level: 40, time: 1, msg: 'retrying', err }, { formatTime: at })).toBe('14:03:07 WARN  retrying error="disk full"');
    expect(formatLogLine({ level: 50, time: 1, msg: 'write failed', err }, { formatTime: at })).toBe('14:03:07 ERROR write failed error="disk full"\n    at write (store.ts:1:1)');
  });

  it('does not repeat a field the message already says', () => {
    const url = 'http://192.0.2.2:5000/pair?code=abc';
    expect(formatLogLine({ level: 30, time: 1, msg: `Pair a device: open ${url}`, pairingUrl: url, pairingUrls: [url] }, { formatTime: at })).toBe(`14:03:07 INFO  Pair a device: open ${url}`);
  });

  it('colours the level word only when asked', () => {
    expect(formatLogLine({ level: 50, time: 1, msg: 'x' }, { formatTime: at, color: true })).toContain('\u001b[31mERROR\u001b[0m');
    expect(formatLogLine({ level: 50, time: 1, msg: 'x' }, { formatTime: at })).not.toContain('\u001b[');
  });
});

describe('prettyLogStream', () => {
  it('turns JSON lines split across writes into readable lines, and passes other text through', async () => {
    let out = '';
    const sink = { write: (text: string) => ((out += text), true) } as unknown as NodeJS.WritableStream;
    const stream = prettyLogStream(sink, { formatTime: at });
    stream.write('{"level":30,"time":1,"msg":"one"}\n{"level":30,');
    stream.write('"time":1,"msg":"two"}\nplain text\n');
    await new Promise<void>((resolve) => stream.end(resolve));
    expect(out).toBe('14:03:07 INFO  one\n14:03:07 INFO  two\nplain text\n');
  });
});
