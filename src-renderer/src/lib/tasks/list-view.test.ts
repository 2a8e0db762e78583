import { describe, expect, it } from 'vitest';
import { readView, withView } from './list-view.js';

describe('list view in the URL', () => {
  it('reads compact, and anything else as cards', () => {
    expect(readView(new URLSearchParams('view=compact'))).toBe('compact');
    expect(readView(new URLSearchParams('view=table'))).toBe('cards');
    expect(readView(new URLSearchParams(''))).toBe('cards');
  });

  it('writes compact and removes the default, keeping the filter', () => {
    const url = new URL('http://x/?state=failed');
    expect(withView(url, 'compact').search).toBe('?state=failed&view=compact');
    expect(withView(new URL('http://x/?state=failed&view=compact'), 'cards').search).toBe('?state=failed');
  });
});
