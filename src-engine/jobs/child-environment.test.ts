import { describe, expect, it } from 'vitest';
import { childEnvironment } from './child-environment.js';

describe('childEnvironment', () => {
  it("passes the server's environment without its TASK_MONITOR_* settings, plus the job's env", () => {
    const env = childEnvironment({ LANG: 'C', EXTRA: '1' }, { PATH: '/bin', LANG: 'fr_FR', TASK_MONITOR_TOKEN: 'secret', TASK_MONITOR_PORT: '5000' });
    expect(env).toEqual({ PATH: '/bin', LANG: 'C', EXTRA: '1' });
  });
});
