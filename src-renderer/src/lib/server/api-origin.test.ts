import { describe, expect, it } from 'vitest';
import { apiOrigin, forwardedRequest, isApiPath, localOrigin } from './api-origin.js';

describe('isApiPath', () => {
  it('matches the API and health endpoints only', () => {
    expect(isApiPath('/api/tasks')).toBe(true);
    expect(isApiPath('/health')).toBe(true);
    expect(isApiPath('/')).toBe(false);
    expect(isApiPath('/apiary')).toBe(false);
    expect(isApiPath('/_app/immutable/x.js')).toBe(false);
  });
});

describe('localOrigin', () => {
  it('writes the local socket as an origin', () => {
    expect(localOrigin({ localAddress: '127.0.0.1', localPort: 5000 })).toBe('http://127.0.0.1:5000');
    expect(localOrigin({ localAddress: '::ffff:192.168.1.9', localPort: 80 })).toBe('http://192.168.1.9:80');
    expect(localOrigin({ localAddress: '::1', localPort: 5000, encrypted: true })).toBe('https://[::1]:5000');
    expect(localOrigin(undefined)).toBeNull();
  });
});

describe('apiOrigin', () => {
  const socket = { localAddress: '127.0.0.1', localPort: 5055 };
  it('prefers the configured origin, then the dev target, then the local socket, then the request origin', () => {
    expect(apiOrigin({ requestOrigin: 'https://h:1', socket, env: { TASK_MONITOR_API_ORIGIN: 'http://api:9/x' }, dev: false })).toBe(
      'http://api:9',
    );
    expect(apiOrigin({ requestOrigin: 'http://localhost:5173', socket: undefined, env: {}, dev: true })).toBe('http://127.0.0.1:5000');
    expect(
      apiOrigin({ requestOrigin: 'http://localhost:5173', socket: undefined, env: { TASK_MONITOR_API: 'http://127.0.0.1:6000' }, dev: true }),
    ).toBe('http://127.0.0.1:6000');
    expect(apiOrigin({ requestOrigin: 'https://192.168.1.2:5055', socket, env: {}, dev: false })).toBe('http://127.0.0.1:5055');
    expect(apiOrigin({ requestOrigin: 'http://h:5000', socket: undefined, env: {}, dev: false })).toBe('http://h:5000');
  });
});

describe('forwardedRequest', () => {
  it("carries the browser's cookies and authorization to the API", () => {
    const original = new Request('http://page.test/api/tasks?clientId=c', { headers: { accept: 'application/json' } });
    const incoming = new Headers({ cookie: 'sessionId=c; device=d', authorization: 'Bearer t' });
    const forwarded = forwardedRequest(original, new URL('http://127.0.0.1:5000/api/tasks?clientId=c'), incoming);
    expect(forwarded.url).toBe('http://127.0.0.1:5000/api/tasks?clientId=c');
    expect(forwarded.method).toBe('GET');
    expect(forwarded.headers.get('cookie')).toBe('sessionId=c; device=d');
    expect(forwarded.headers.get('authorization')).toBe('Bearer t');
    expect(forwarded.headers.get('accept')).toBe('application/json');
  });
  it('adds nothing the browser did not send', () => {
    const forwarded = forwardedRequest(new Request('http://page.test/health'), new URL('http://127.0.0.1:5000/health'), new Headers());
    expect(forwarded.headers.has('cookie')).toBe(false);
    expect(forwarded.headers.has('authorization')).toBe(false);
  });
});
