/**
 * The cookie that carries a paired device's token. Its name includes the server's port because
 * cookies are scoped by host, not port: two monitors on one machine (ports 5000 and 5001) would
 * otherwise overwrite each other's cookie and log each other out.
 */
export function deviceCookieName(port: number | undefined): string {
  return `task_monitor_device_${port ?? 0}`;
}

/** About 400 days, the most browsers keep a cookie anyway. */
const DEVICE_COOKIE_MAX_AGE_S = 400 * 24 * 60 * 60;

/**
 * `Set-Cookie` for a device token: HttpOnly (page scripts, and so injected scripts, never see it),
 * SameSite=Strict (no other site's page can make the browser send it), whole site, Secure when the
 * page came over TLS.
 */
export function deviceCookie(name: string, token: string, secure: boolean): string {
  return `${name}=${token}; Path=/; Max-Age=${DEVICE_COOKIE_MAX_AGE_S}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

/** `Set-Cookie` that removes the device cookie (a revoked or unknown token). */
export function clearedDeviceCookie(name: string): string {
  return `${name}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict`;
}

/**
 * The value of one cookie from a Cookie header, or undefined. Hand-rolled because only our own
 * base64url token is ever read: no decoding, no quoting rules, malformed pairs skipped.
 */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const pair of header.split(';')) {
    const separator = pair.indexOf('=');
    if (separator === -1) continue;
    if (pair.slice(0, separator).trim() !== name) continue;
    const value = pair.slice(separator + 1).trim();
    return value === '' ? undefined : value;
  }
  return undefined;
}

/**
 * The credential of `Authorization: Bearer TOKEN`: undefined when there is no header or it uses
 * another scheme (not ours to judge); otherwise whatever follows the scheme, possibly empty or
 * malformed, which then fails verification like any wrong token.
 */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer(?:[ \t]+(.*))?$/i.exec(header.trim());
  if (!match) return undefined;
  return (match[1] ?? '').trim();
}
