import { describe, expect, it } from 'vitest';
import { PAGE_SESSION_PLACEHOLDER, withPageSession } from './page-session.js';

describe('withPageSession', () => {
  it('writes a valid session id where the placeholder is', () => {
    expect(withPageSession(`<script>var s = '${PAGE_SESSION_PLACEHOLDER}';</script>`, 'b1e6c1a2-7d3f-4c1e-9a0b-0123456789ab')).toBe(`<script>var s = 'b1e6c1a2-7d3f-4c1e-9a0b-0123456789ab';</script>`);
  });

  it('writes nothing for an id that would need escaping (the script then opens no socket)', () => {
    expect(withPageSession(`'${PAGE_SESSION_PLACEHOLDER}'`, `x';alert(1)//`)).toBe(`''`);
    expect(withPageSession(`'${PAGE_SESSION_PLACEHOLDER}'`, '</script>')).toBe(`''`);
    expect(withPageSession(`'${PAGE_SESSION_PLACEHOLDER}'`, undefined)).toBe(`''`);
  });

  it('leaves chunks without the placeholder as they are', () => {
    expect(withPageSession('<p>%sveltekit.body%</p>', 'abc')).toBe('<p>%sveltekit.body%</p>');
  });
});
