/** The host the server binds for LAN sharing: every IPv4 interface. */
export const LAN_BIND_HOST = '0.0.0.0';

/** The host to bind: every interface when sharing, else what the launch config says (loopback). */
export function bindHostFor(lanShare: boolean, configuredHost: string): string {
  return lanShare ? LAN_BIND_HOST : configuredHost;
}
