import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CronPreview } from './cron-preview.svelte.js';

describe('CronPreview', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function server() {
    const urls: string[] = [];
    const fn = (async (url: string) => {
      urls.push(url);
      const query = new URL(url, 'http://x').searchParams;
      if (query.get('timezone') === 'Europe/Berlln') return new Response(JSON.stringify({ code: 'INVALID_TIMEZONE', message: "Unknown time zone 'Europe/Berlln'" }), { status: 400 });
      if (query.get('cron') === '0 25 * * *') return new Response(JSON.stringify({ code: 'INVALID_CRON', message: 'Invalid value for hour: 25' }), { status: 400 });
      return new Response(JSON.stringify({ runs: ['2026-12-02T02:00:00.000Z'] }), { status: 200 });
    }) as unknown as typeof fetch;
    return { fn, urls };
  }

  it('asks the server once typing pauses, only for the latest value', async () => {
    const { fn, urls } = server();
    const preview = new CronPreview(fn, 300);
    preview.check('0', 'UTC');
    preview.check('0 3', 'UTC');
    preview.check('0 3 * * *', 'UTC');
    expect(preview.words).toBe('At 03:00, every day');
    expect(preview.state.phase).toBe('checking');
    await vi.advanceTimersByTimeAsync(299);
    expect(urls).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(urls).toHaveLength(1);
    expect(urls[0]).toContain('cron=0+3+*+*+*');
    expect(preview.state).toEqual({ phase: 'valid', runs: ['2026-12-02T02:00:00.000Z'] });
  });

  it('puts the server’s message on the field it concerns', async () => {
    const { fn } = server();
    const preview = new CronPreview(fn, 10);
    preview.check('0 25 * * *', 'UTC');
    await vi.advanceTimersByTimeAsync(10);
    expect(preview.state).toEqual({ phase: 'invalid', field: 'cron', message: 'Invalid value for hour: 25' });
    preview.check('0 3 * * *', 'Europe/Berlln');
    await vi.advanceTimersByTimeAsync(10);
    expect(preview.state).toEqual({ phase: 'invalid', field: 'timezone', message: "Unknown time zone 'Europe/Berlln'" });
  });

  it('does not ask again for the same value, nor for an empty one', async () => {
    const { fn, urls } = server();
    const preview = new CronPreview(fn, 10);
    preview.check('* * * * *', 'UTC');
    await vi.advanceTimersByTimeAsync(10);
    preview.check('* * * * * ', 'UTC');
    preview.check('', 'UTC');
    await vi.advanceTimersByTimeAsync(10);
    expect(urls).toHaveLength(1);
    expect(preview.state).toEqual({ phase: 'idle' });
  });
});
