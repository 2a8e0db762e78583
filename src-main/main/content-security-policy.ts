/** Response headers as Electron's webRequest hands them over: names in any case. */
export type ResponseHeaders = Record<string, string | string[]>;

/**
 * The policy the app adds to responses that carry none. The UI sets its own (SvelteKit's
 * kit.csp, with nonces or hashes for its inline bootstrap), which is left alone; this one covers
 * everything else the window might load: error pages, API responses, a UI built without kit.csp.
 * Nothing inline, nothing remote: scripts, styles, fonts and images from the app's origin only,
 * network access to the app's own HTTP and WebSocket endpoints only.
 */
export function fallbackCsp(appOrigin: string): string {
  const socketOrigin = appOrigin.replace(/^http/, 'ws');
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self' ${socketOrigin}`,
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

/** Whether the response already enforces a policy (report-only headers do not count). */
export function hasCsp(headers: ResponseHeaders | undefined): boolean {
  if (!headers) return false;
  return Object.entries(headers).some(([name, value]) => {
    if (name.toLowerCase() !== 'content-security-policy') return false;
    const values = Array.isArray(value) ? value : [value];
    return values.some((policy) => policy.trim() !== '');
  });
}

/**
 * The headers to answer webRequest with: unchanged when the response has its own policy (a
 * second header would only be intersected with it, and replacing it could weaken it), else the
 * same headers plus the fallback policy.
 */
export function withFallbackCsp(headers: ResponseHeaders | undefined, policy: string): ResponseHeaders {
  const current = headers ?? {};
  if (hasCsp(current)) return current;
  return { ...current, 'Content-Security-Policy': [policy] };
}
