import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../launcher/project-root.js';
import { JOBS_FILE_SCHEMA } from './jobs-file-schema.js';
import { loadJobsFile } from './load-jobs-file.js';

const dir = mkdtempSync(join(tmpdir(), 'jobs-file-'));
let n = 0;
function fileWith(content: unknown): string {
  const file = join(dir, `jobs-${++n}.json`);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}
async function problem(content: unknown): Promise<string> {
  const outcome = await loadJobsFile(fileWith(content));
  if (outcome.ok) throw new Error('the file was accepted');
  return outcome.message;
}

describe('loadJobsFile', () => {
  it('accepts a good file: defaults filled in, cwd and module paths resolved from the file', async () => {
    const file = fileWith({
      $schema: './jobs.schema.json',
      jobs: {
        copy: { command: ['cp', '{from}', '/tmp/'], parameters: { from: { type: 'string', required: true } }, progress: { pattern: '(?<percent>\\d+)%' } },
        greet: { module: fileURLToPath(new URL('./test-support/kind.mjs', import.meta.url)), cwd: '.', schedule: { cron: '0 3 * * *', timezone: 'UTC' } },
      },
    });
    const outcome = await loadJobsFile(file);
    if (!outcome.ok) throw new Error(outcome.message);
    const [copy, greet] = outcome.jobs.map((job) => job.definition);
    expect(copy).toMatchObject({ id: 'copy', title: 'copy', allow: ['owner', 'paired'], maxAttempts: 1, killGraceMs: 5000, resolvedCwd: dir, schedule: null });
    expect(copy!.progressPattern!.exec('42%')!.groups!['percent']).toBe('42');
    expect(greet).toMatchObject({ id: 'greet', command: null, resolvedCwd: dir, schedule: { cron: '0 3 * * *', timezone: 'UTC' } });
    expect(outcome.jobs[1]!.kind).toMatchObject({ name: 'greet', job: true });
  });

  it.each([
    ['{ "jobs": ', 'is not valid JSON'],
    [{}, 'the file: jobs is required'],
    [{ jobs: { a: { command: ['x'], cmd: ['y'] } } }, "job 'a': unknown field 'cmd'"],
    [{ jobs: { a: { title: 'no command' } } }, "job 'a': give either command (a program and its arguments) or module (a JavaScript file), not both"],
    [{ jobs: { a: { command: ['x'], module: './m.mjs' } } }, "job 'a': give either command"],
    [{ jobs: { a: { command: [] } } }, "job 'a': command must NOT have fewer than 1 items"],
    [{ jobs: { a: { command: ['x', 3] } } }, "job 'a': command[1] must be string"],
    [{ jobs: { a: { command: ['x'], allow: ['everyone'] } } }, `job 'a': allow[0] must be one of: "owner", "paired"`],
    [{ jobs: { a: { command: ['x'], parameters: { p: { type: 'date' } } } } }, `job 'a': parameters.p.type must be one of: "string", "number", "integer", "boolean"`],
    [{ jobs: { demo: { command: ['x'] } } }, "job 'demo': the name 'demo' belongs to a built-in task kind"],
    [{ jobs: { a: { command: ['x', '{missing}'] } } }, "job 'a': command[1] uses {missing}, which is not one of the job's parameters"],
    [{ jobs: { a: { command: ['x', '{p}'], parameters: { p: { type: 'string' } } } } }, "job 'a': command[1] uses {p}: make the parameter required or give it a default"],
    [{ jobs: { a: { command: ['{p}'], parameters: { p: { type: 'string', required: true } } } } }, "job 'a': command[0] must name a fixed program"],
    [{ jobs: { a: { command: ['x'], progress: { pattern: '(' } } } }, "job 'a': progress.pattern is not a valid regular expression"],
    [{ jobs: { a: { command: ['x'], progress: { pattern: '(\\d+)%' } } } }, "job 'a': progress.pattern needs a named group percent"],
    [{ jobs: { a: { command: ['x'], parameters: { p: { type: 'integer', default: 'one' } } } } }, "job 'a': parameters.p.default does not fit the parameter itself"],
    [{ jobs: { a: { command: ['x'], cwd: '/no/such/folder' } } }, "job 'a': cwd: no folder at /no/such/folder"],
    [{ jobs: { a: { module: './missing.mjs' } } }, "job 'a': module: no file at"],
    [{ jobs: { a: { command: ['x'], schedule: { timezone: 'UTC' } } } }, "job 'a': schedule.cron is required"],
  ])('refuses %j naming the job and the field', async (content, message) => {
    expect(await problem(content)).toContain(message);
  });

  it('names the file it could not read', async () => {
    const outcome = await loadJobsFile(join(dir, 'absent.json'));
    expect(outcome).toEqual({ ok: false, message: `Cannot read the jobs file ${join(dir, 'absent.json')}: ENOENT` });
  });

  it('refuses a module whose default export is not a task kind', async () => {
    const module = join(dir, 'not-a-kind.mjs');
    writeFileSync(module, 'export default 42;\n');
    expect(await problem({ jobs: { a: { module: './not-a-kind.mjs' } } })).toContain(`job 'a': module: ${module} must export default a task kind`);
  });

  it('docs/jobs.schema.json is the schema the loader checks with', () => {
    expect(JSON.parse(readFileSync(join(projectRoot(), 'docs', 'jobs.schema.json'), 'utf8'))).toEqual(JOBS_FILE_SCHEMA);
  });

  it('examples/jobs.json is a valid jobs file', async () => {
    const outcome = await loadJobsFile(join(projectRoot(), 'examples', 'jobs.json'));
    expect(outcome.ok ? outcome.jobs.map((job) => job.definition.id) : outcome.message).toEqual(expect.arrayContaining(['count', 'checksum', 'disk-usage', 'word-count']));
  });
});
