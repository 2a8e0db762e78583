import { describe, expect, it } from 'vitest';
import { placeholdersOf, renderArgv } from './argv-template.js';

describe('renderArgv', () => {
  it('replaces placeholders inside their own argument only, one argument in, one out', () => {
    const argv = renderArgv(['rsync', '{source}', '--out={dir}/x', '-n', '{count}', '{flag}'], { source: 'a b; rm -rf ~', dir: '$(id)', count: 3, flag: false });
    expect(argv).toEqual(['rsync', 'a b; rm -rf ~', '--out=$(id)/x', '-n', '3', 'false']);
  });

  it('writes {{ and }} as literal braces and leaves the rest alone', () => {
    expect(renderArgv(['{{name}}', '{{', '}}', '{not a placeholder}', '{x}{x}'], { name: 'n', x: '`id`\n' })).toEqual(['{name}', '{', '}', '{not a placeholder}', '`id`\n`id`\n']);
  });

  it('lists the parameters an argument refers to', () => {
    expect(placeholdersOf('--from={a}:{b_2} {{c}}')).toEqual(['a', 'b_2']);
  });
});
