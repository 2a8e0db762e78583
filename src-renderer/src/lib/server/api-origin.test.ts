import { describe, expect, it } from 'vitest';
import { apiOrigin, isApiPath } from './api-origin.js';

describe('isApiPath', () => {
  it('matches the API and health endpoints only', () => {
    expect(isApiPath('/api/tasks')).toBe(true);
    expect(isApiPath('/health')).toBe(true);
    expect(isApiPath('/')).toBe(false);
    expect(isApiPath('/apiary')).toBe(false);
    expect(isApiPath('/_app/immutable/x.js')).toBe(false);
  });
});

describe('apiOrigin', () => {
  it('prefers the configured origin, then the dev target, then the request origin', () => {
    expect(apiOrigin('http://h:1', { TASK_MONITOR_API_ORIGIN: 'http://api:9/x' }, false)).toBe('http://api:9');
    expect(apiOrigin('http://localhost:5173', {}, true)).toBe('http://127.0.0.1:5000');
    expect(apiOrigin('http://localhost:5173', { TASK_MONITOR_API: 'http://127.0.0.1:6000' }, true)).toBe('http://127.0.0.1:6000');
    expect(apiOrigin('http://192.168.1.2:5000', {}, false)).toBe('http://192.168.1.2:5000');
  });
});
