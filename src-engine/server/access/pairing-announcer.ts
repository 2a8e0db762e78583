import type { FastifyInstance } from 'fastify';
import type { AccessControl } from './access-control.js';
import { listeningBaseUrls } from './install-access.js';
import { pairingQrCode, pairingUrl } from './pairing-url.js';

/** A running server with its access policy (a RunningTaskMonitor fits). */
export interface PairingSource {
  readonly app: FastifyInstance;
  readonly access: AccessControl;
}

/**
 * The URLs that pair a device right now, one per address other devices can reach (the first is
 * the most likely LAN address). Empty when the server listens on loopback only. The desktop app
 * shows the first as a QR code ({@link pairingQrCode}) and refreshes it on `access.pairing.onChange`.
 */
export function currentPairingUrls(source: PairingSource): string[] {
  return listeningBaseUrls(source.app).map((base) => pairingUrl(base, source.access.pairing.current));
}

/**
 * Prints how to pair (a log line, and plain text on `out`, with a QR code when `out` is a
 * terminal) now and again whenever the code is spent and a new one issued. Also says where the
 * API token is. Answers the unsubscribe.
 */
export function announcePairing(source: PairingSource, out: NodeJS.WritableStream & { isTTY?: boolean } = process.stdout): () => void {
  const { app, access } = source;
  if (access.tokenFile) app.log.info({ tokenFile: access.tokenFile }, `API token (Authorization: Bearer) is in ${access.tokenFile}`);
  else if (!access.hasApiToken) app.log.info('No API token (in memory, no --token): bearer authentication is off');
  const announce = (): void => {
    const urls = currentPairingUrls(source);
    if (urls.length === 0) {
      app.log.info('Listening on loopback only: other devices cannot connect (use --host 0.0.0.0 to share on the LAN)');
      return;
    }
    const [first, ...others] = urls as [string, ...string[]];
    app.log.info({ pairingUrl: first, pairingUrls: urls }, `Pair a device: open ${first}`);
    const lines = [
      '',
      `Pair a device on your network (the link works once; a new one is printed after each use):`,
      `  ${first}`,
      ...(others.length > 0 ? ['Other addresses of this machine:', ...others.map((url) => `  ${url}`)] : []),
      '',
    ];
    out.write(`${lines.join('\n')}\n`);
    if (out.isTTY) {
      pairingQrCode(first, 'terminal').then(
        (qr) => out.write(`${qr}\n`),
        () => undefined,
      );
    }
  };
  announce();
  return access.pairing.onChange(announce);
}
