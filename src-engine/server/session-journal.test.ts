import { describe, expect, it } from 'vitest';
import type { ServerMessage } from '../protocol/messages.js';
import { SessionJournal } from './session-journal.js';

const T = '2026-01-01T00:00:00.000Z';
/** Messages of one size for any n below 10,000 (the tests count frames by bytes). */
function message(n: number): ServerMessage {
  return { type: 'tasksDeleted', data: { ids: [`t${String(n).padStart(4, '0')}`] }, timestamp: T };
}
const journalOf = () => new SessionJournal();
const seqOf = (frame: Buffer) => (JSON.parse(frame.toString()) as { seq: number }).seq;

describe('SessionJournal', () => {
  it('numbers each session own messages 1, 2, 3 and adds the number to the frame', () => {
    const journal = new SessionJournal();
    expect(seqOf(journal.record('a', message(1)))).toBe(1);
    expect(seqOf(journal.record('a', message(2)))).toBe(2);
    expect(seqOf(journal.record('b', message(3)))).toBe(1);
    expect(JSON.parse(journal.record('a', message(4)).toString())).toMatchObject({ type: 'tasksDeleted', data: { ids: ['t0004'] }, seq: 3 });
  });

  it('forgets a session whose last socket closed before anything was numbered, and keeps one that has numbers to resume', () => {
    const journal = new SessionJournal();
    const idle = journal.epochOf('idle');
    journal.watch('idle');
    journal.release('idle');
    expect(journal.isWatched('idle')).toBe(false);
    expect(journal.epochOf('idle')).not.toBe(idle); // a new numbering: nothing was kept for it

    journal.watch('busy');
    journal.record('busy', message(1));
    const busy = journal.epochOf('busy');
    journal.release('busy');
    expect(journal.isWatched('busy')).toBe(true);
    expect(journal.epochOf('busy')).toBe(busy);
    expect(journal.resume('busy', busy, 0)).toMatchObject({ ok: true, missed: [{ seq: 1 }] });
  });

  it('replays exactly the frames after the last number the client saw', () => {
    const journal = new SessionJournal();
    for (let n = 1; n <= 10; n++) journal.record('a', message(n));
    const resumed = journal.resume('a', journal.epochOf('a'), 6);
    expect(resumed.ok && resumed.missed.map((entry) => entry.seq)).toEqual([7, 8, 9, 10]);
    expect(journal.resume('a', journal.epochOf('a'), 10)).toEqual({ ok: true, missed: [] });
  });

  it('asks for a snapshot when the gap is older than the buffer', () => {
    const journal = new SessionJournal({ framesPerSession: 5 });
    for (let n = 1; n <= 12; n++) journal.record('a', message(n));
    expect(journal.resume('a', journal.epochOf('a'), 6)).toEqual({ ok: false });
    const resumed = journal.resume('a', journal.epochOf('a'), 7);
    expect(resumed.ok && resumed.missed.map((entry) => entry.seq)).toEqual([8, 9, 10, 11, 12]);
  });

  it('asks for a snapshot for numbers from another server run, from the future, or malformed', () => {
    const journal = new SessionJournal();
    journal.record('a', message(1));
    expect(journal.resume('a', 'another-epoch', 0)).toEqual({ ok: false });
    expect(journal.resume('a', journal.epochOf('a'), 5)).toEqual({ ok: false });
    expect(journal.resume('a', journal.epochOf('a'), -1)).toEqual({ ok: false });
    expect(journal.resume('a', journal.epochOf('a'), 0.5)).toEqual({ ok: false });
  });

  it('forgets the frames of the least recently active sessions first, but never reuses numbers', () => {
    const journal = new SessionJournal({ maxSessions: 2 });
    journal.record('old', message(1));
    journal.record('mid', message(2));
    journal.record('new', message(3));
    expect(journal.resume('old', journal.epochOf('old'), 0)).toEqual({ ok: false });
    expect(journal.resume('mid', journal.epochOf('mid'), 0).ok).toBe(true);
    expect(seqOf(journal.record('old', message(4)))).toBe(2);
  });

  it('only numbers the messages of a session no socket has opened, and keeps them once one has', () => {
    const journal = new SessionJournal();
    expect(journal.isWatched('a')).toBe(false);
    journal.skip('a');
    journal.skip('a');
    expect(journal.currentSeq('a')).toBe(2);
    journal.watch('a');
    expect(journal.isWatched('a')).toBe(true);
    expect(seqOf(journal.record('a', message(3)))).toBe(3);
    const resumed = journal.resume('a', journal.epochOf('a'), 2);
    expect(resumed.ok && resumed.missed.map((entry) => entry.seq)).toEqual([3]);
  });

  it('forgets the numbering of the least recently active sessions; a client of a forgotten one gets a snapshot', () => {
    const journal = new SessionJournal({ maxCounters: 2 });
    journal.record('a', message(1));
    const epochA = journal.epochOf('a');
    journal.record('b', message(2));
    journal.record('c', message(3)); // 'a' is forgotten
    expect(journal.currentSeq('a')).toBe(0);
    journal.record('a', message(4));
    expect(journal.epochOf('a')).not.toBe(epochA);
    expect(journal.resume('a', epochA, 0)).toEqual({ ok: false });
    const resumed = journal.resume('a', journal.epochOf('a'), 0);
    expect(resumed.ok && resumed.missed.map((entry) => entry.seq)).toEqual([1]);
  });

  it('keeps a session that is still active when others come and go', () => {
    const journal = new SessionJournal({ maxCounters: 2 });
    journal.record('active', message(1));
    journal.record('x', message(2));
    journal.record('active', message(3));
    journal.record('y', message(4)); // 'x' is the least recently active now
    expect(journal.currentSeq('active')).toBe(2);
    expect(journal.currentSeq('x')).toBe(0);
  });

  it('keeps memory bounded however many messages a session gets', () => {
    const journal = new SessionJournal({ framesPerSession: 100 });
    for (let n = 1; n <= 10_000; n++) journal.record('a', message(n));
    expect(journal.keptFrames('a')).toBeLessThanOrEqual(100 + 100 / 8); // the limit, plus the block dropped together
  });

  it('keeps frames off the JS heap and replays them as the exact bytes first sent, after they were sent', () => {
    const journal = new SessionJournal({ framesPerSession: 500 });
    const sent = Array.from({ length: 2000 }, (_, i) => Buffer.from(journal.record('a', message(i + 1)))); // copies, as the kernel would take them
    const log = (journal as unknown as { sessions: Map<string, { positions: unknown[]; lengths: unknown[] }> }).sessions.get('a')!;
    expect([...log.positions, ...log.lengths].every((field) => typeof field === 'number')).toBe(true);
    const resumed = journal.resume('a', journal.epochOf('a'), 1600);
    expect(resumed.ok && resumed.missed.map((entry) => entry.seq)).toEqual(Array.from({ length: 400 }, (_, i) => 1601 + i));
    expect(resumed.ok && resumed.missed.every((entry) => entry.frame.equals(sent[entry.seq - 1]!))).toBe(true);
    expect(journal.resume('a', journal.epochOf('a'), 1000)).toEqual({ ok: false }); // older than the 500 offered
  });

  it('keeps all sessions\' frames within its byte budget, the oldest giving way: a client asking for one gone gets a snapshot', () => {
    const frameBytes = journalOf().record('x', message(1)).length; // every test message has the same size
    const journal = new SessionJournal({ maxBytes: 50 * frameBytes });
    for (let n = 1; n <= 40; n++) for (const id of ['a', 'b']) journal.record(id, message(n)); // 80 frames, room for 50
    expect(journal.resume('a', journal.epochOf('a'), 10)).toEqual({ ok: false }); // a11 was overwritten
    const resumed = journal.resume('a', journal.epochOf('a'), 20);
    expect(resumed.ok && resumed.missed.map((entry) => seqOf(entry.frame))).toEqual(Array.from({ length: 20 }, (_, i) => 21 + i));
    expect(journal.resume('b', journal.epochOf('b'), 20).ok).toBe(true);
  });

  it('forgets the entries of frames the ring came round to, so its index stays in proportion to the ring', () => {
    const frameBytes = journalOf().record('x', message(1)).length;
    const journal = new SessionJournal({ maxBytes: 50 * frameBytes }); // frames for 1,000 per session, room for 50 in all
    for (let n = 1; n <= 1000; n++) for (const id of ['a', 'b']) journal.record(id, message(n));
    for (const id of ['a', 'b']) {
      expect(journal.keptFrames(id)).toBeLessThanOrEqual(Math.ceil(25 * (8 / 7))); // its 25 in the ring, at most an eighth stale
      const resumed = journal.resume(id, journal.epochOf(id), 980);
      expect(resumed.ok && resumed.missed.map((entry) => seqOf(entry.frame))).toEqual(Array.from({ length: 20 }, (_, i) => 981 + i));
      expect(journal.resume(id, journal.epochOf(id), 970)).toEqual({ ok: false }); // a971 was overwritten
    }
  });

  it('never changes a frame it handed out when the ring comes round: a slow socket may still be writing it', () => {
    const journal = new SessionJournal({ maxBytes: 4096 });
    const handedOut = Array.from({ length: 200 }, (_, i) => journal.record('a', message(i + 1))); // views, not copies
    expect(handedOut.map(seqOf)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
  });

  it('keeps no frame larger than its budget, and replays nothing across it', () => {
    const journal = new SessionJournal({ maxBytes: 1024 });
    journal.record('a', message(1));
    const big: ServerMessage = { type: 'tasksDeleted', data: { ids: Array.from({ length: 200 }, (_, i) => `task-${i}`) }, timestamp: T };
    expect(seqOf(journal.record('a', big))).toBe(2); // sent all the same
    expect(journal.resume('a', journal.epochOf('a'), 1)).toEqual({ ok: false });
    journal.record('a', message(3));
    const resumed = journal.resume('a', journal.epochOf('a'), 2);
    expect(resumed.ok && resumed.missed.map((entry) => entry.seq)).toEqual([3]);
  });

  it('never replays across numbers it skipped while no socket watched the session: the client gets a snapshot', () => {
    const journal = new SessionJournal();
    journal.watch('a');
    journal.record('a', message(1));
    journal.record('a', message(2));
    journal.release('a'); // has numbers: kept
    journal.skip('a'); // 3 is taken, nothing kept
    expect(journal.resume('a', journal.epochOf('a'), 1)).toEqual({ ok: false }); // 3 cannot be replayed
    journal.record('a', message(4));
    expect(journal.resume('a', journal.epochOf('a'), 1)).toEqual({ ok: false });
    const resumed = journal.resume('a', journal.epochOf('a'), 3);
    expect(resumed.ok && resumed.missed.map((entry) => entry.seq)).toEqual([4]);
  });

  it('numbers sessions alternating message by message without mixing their numbers', () => {
    const journal = new SessionJournal();
    const seqs: string[] = [];
    for (let n = 1; n <= 4; n++) for (const id of ['a', 'a', 'b']) seqs.push(`${id}${seqOf(journal.record(id, message(n)))}`);
    expect(seqs).toEqual(['a1', 'a2', 'b1', 'a3', 'a4', 'b2', 'a5', 'a6', 'b3', 'a7', 'a8', 'b4']);
  });
});
