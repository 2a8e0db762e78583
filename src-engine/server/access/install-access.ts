import type { FastifyInstance } from 'fastify';
import type { TaskService } from '../../engine/task-service.js';
import type { AccessControl } from './access-control.js';
import { registerAccessRoutes } from './access-routes.js';
import { installInputRules } from './input-rules.js';
import { shareableBaseUrls } from './pairing-url.js';
import { installRequestGuard } from './request-guard.js';
import type { ServerLimits } from './server-limits.js';
import { installSessionQueueLimit } from './session-queue-limit.js';
import { UpgradeGuard } from './upgrade-guard.js';

/** What {@link installAccess} wires together. */
export interface AccessInstallation {
  engine: TaskService;
  access: AccessControl;
  limits: ServerLimits;
  /** Paths anyone who reaches the server may GET without credentials (Host and Origin still apply). */
  publicPaths?: readonly string[];
}

/**
 * Puts the access policy and the limits in front of a fastify app, before any route is
 * registered: the request guard (security headers, Host, Origin, credentials), the input rules
 * and per-session queue cap on task submission, the pairing and device routes. Answers the guard
 * that the `upgrade` handler must consult before completing any WebSocket handshake.
 */
export function installAccess(app: FastifyInstance, { engine, access, limits, publicPaths = [] }: AccessInstallation): UpgradeGuard {
  // Only JSON bodies: text/plain is a "simple" content type that browsers send cross-site without
  // a preflight (like form posts, which have no parser either), so refusing it with 415 means
  // every body a browser sends us had to pass CORS first.
  app.removeContentTypeParser('text/plain');
  installRequestGuard(app, access, publicPaths);
  installInputRules(app);
  installSessionQueueLimit(app, engine, limits.maxQueuedPerSession);
  registerAccessRoutes(app, { access, shareableBaseUrls: () => listeningBaseUrls(app) });
  for (const warning of access.warnings) app.log.warn(warning);
  const guard = new UpgradeGuard(access, limits, app.log);
  app.addHook('onClose', async () => {
    guard.close();
    await access.close();
  });
  return guard;
}

/** Base URLs other devices can open, from the address the server actually listens on. */
export function listeningBaseUrls(app: FastifyInstance): string[] {
  const address = app.server.address();
  if (!address || typeof address === 'string') return [];
  return shareableBaseUrls(address.address, address.port);
}
