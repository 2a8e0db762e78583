import { describe, expect, it } from 'vitest';
import { planLaunch, selectOwnFlags, userArguments } from './launch-mode.js';

const context = { isDefaultApp: false, version: '1.2.3' };

describe('userArguments', () => {
  it('drops the executable of a packaged app', () => {
    expect(userArguments(['/opt/task-monitor/task-monitor', '--headless'], false)).toEqual(['--headless']);
  });

  it('drops the executable and the app path when run as `electron .`', () => {
    expect(userArguments(['/x/electron', '.', '--headless'], true)).toEqual(['--headless']);
  });
});

describe('selectOwnFlags', () => {
  it('keeps our flags with their values, in both spellings', () => {
    expect(selectOwnFlags(['--port', '5001', '--host=0.0.0.0', '--allow-origin', 'http://a.test', '-h']).own).toEqual([
      '--port',
      '5001',
      '--host=0.0.0.0',
      '--allow-origin',
      'http://a.test',
      '-h',
    ]);
  });

  it("sets Chromium's and the OS's switches aside instead of failing on them", () => {
    const result = selectOwnFlags(['--no-sandbox', '--inspect=9229', '-psn_0_12345', '--headless', '--enable-logging', '/home/me/file.txt']);
    expect(result.own).toEqual(['--headless']);
    expect(result.ignored).toEqual(['--no-sandbox', '--inspect=9229', '-psn_0_12345', '--enable-logging', '/home/me/file.txt']);
  });

  it('does not take a boolean flag as having a value', () => {
    expect(selectOwnFlags(['--headless', '.']).own).toEqual(['--headless']);
  });
});

describe('planLaunch', () => {
  it('opens the window by default, on loopback and port 5000', () => {
    const plan = planLaunch(['/app/task-monitor'], {}, context);
    expect(plan.kind).toBe('window');
    if (plan.kind !== 'window') return;
    expect(plan.config).toMatchObject({ host: '127.0.0.1', port: 5000, headless: false });
  });

  it('runs headless with the same flags as the Node launcher', () => {
    const plan = planLaunch(['/x/electron', '.', '--headless', '--port', '6000', '--concurrency=2', '--no-sandbox'], {}, { ...context, isDefaultApp: true });
    expect(plan).toMatchObject({ kind: 'headless', config: { port: 6000, concurrency: 2 }, ignored: ['--no-sandbox'] });
  });

  it('reads the same environment variables, flags winning', () => {
    const plan = planLaunch(['/app/task-monitor', '--port', '7000'], { TASK_MONITOR_HEADLESS: '1', TASK_MONITOR_PORT: '8000', TASK_MONITOR_GRACE_MS: '500' }, context);
    expect(plan).toMatchObject({ kind: 'headless', config: { port: 7000, graceMs: 500 } });
  });

  it('prints the version of the app', () => {
    expect(planLaunch(['/app/task-monitor', '--version'], {}, context)).toEqual({ kind: 'print', stream: 'stdout', text: '1.2.3\n', exitCode: 0 });
  });

  it('prints help', () => {
    const plan = planLaunch(['/app/task-monitor', '--help'], {}, context);
    expect(plan).toMatchObject({ kind: 'print', stream: 'stdout', exitCode: 0 });
    if (plan.kind === 'print') expect(plan.text).toContain('--headless');
  });

  it('refuses a bad value of one of our flags with exit code 2, as the Node launcher does', () => {
    const plan = planLaunch(['/app/task-monitor', '--port', 'abc'], {}, context);
    expect(plan).toMatchObject({ kind: 'print', stream: 'stderr', exitCode: 2 });
    if (plan.kind === 'print') expect(plan.text).toContain('--port must be a whole number');
  });
});
