import { describe, expect, it } from 'vitest';
import { loadKinds, loadStats, statsUrl } from './stats-api.js';

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const answering = (response: Response | Error) => (async () => {
  if (response instanceof Error) throw response;
  return response;
}) as unknown as typeof fetch;

describe('statsUrl', () => {
  it('asks for the range, and the kind when one is chosen', () => {
    expect(statsUrl('1h', null)).toBe('/api/stats?range=1h');
    expect(statsUrl('7d', 'report & co')).toBe('/api/stats?range=7d&kind=report+%26+co');
  });
});

describe('loadStats', () => {
  it('reads the answer', async () => {
    const result = await loadStats(answering(json(200, { range: '24h', stepSeconds: 900, kind: null, points: [{ t: '2026-12-02T10:00:00.000Z', completed: 1 }] })), '24h', null);
    expect(result.ok && result.stats.points).toHaveLength(1);
  });

  it('says the charts are the owner’s when the server refuses (403, 401)', async () => {
    for (const status of [401, 403]) {
      const result = await loadStats(answering(json(status, { code: 'OWNER_ONLY' })), '1h', null);
      expect(result).toMatchObject({ ok: false, reason: 'owner-only' });
      expect(!result.ok && result.message).toContain('only the owner');
    }
  });

  it('tells an unreadable answer from an unreachable server', async () => {
    expect(await loadStats(answering(json(500, {})), '1h', null)).toMatchObject({ ok: false, reason: 'unreadable' });
    expect(await loadStats(answering(new Response('<html>', { status: 200 })), '1h', null)).toMatchObject({ ok: false, reason: 'unreadable' });
    expect(await loadStats(answering(new TypeError('fetch failed')), '1h', null)).toMatchObject({ ok: false, reason: 'unreachable', message: expect.stringContaining('fetch failed') });
  });
});

describe('loadKinds', () => {
  it('lists the queue’s kinds sorted, and none when the queue cannot say', async () => {
    expect(await loadKinds(answering(json(200, { paused: false, kinds: [{ kind: 'report' }, { kind: 'demo' }, { nope: 1 }] })))).toEqual(['demo', 'report']);
    expect(await loadKinds(answering(json(403, {})))).toEqual([]);
    expect(await loadKinds(answering(new TypeError('down')))).toEqual([]);
  });
});
