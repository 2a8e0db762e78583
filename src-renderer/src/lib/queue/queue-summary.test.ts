import { describe, expect, it } from 'vitest';
import { pausedKinds } from './queue-summary.js';

describe('pausedKinds', () => {
  it('lists the kinds paused on their own', () => {
    const kind = (name: string, paused: boolean) => ({ kind: name, paused, concurrency: null, rateLimit: null, running: 0, queued: 0 });
    expect(pausedKinds({ paused: false, kinds: [kind('demo', false), kind('backup', true), kind('mail', true)] })).toEqual(['backup', 'mail']);
    expect(pausedKinds(null)).toEqual([]);
  });
});
