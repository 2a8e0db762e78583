import type { FastifyInstance, preHandlerHookHandler } from 'fastify';

/**
 * Adds `hook` as a preHandler of the routes registered from now on whose method and URL
 * `wanted` picks (after their own preHandlers). A global hook that asks each request which route
 * it is on costs every request of every route: fastify builds a fresh `routeOptions` object per
 * read. Call it before the routes are registered.
 */
export function addRoutePreHandler(app: FastifyInstance, wanted: (method: string, url: string) => boolean, hook: preHandlerHookHandler): void {
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!methods.some((method) => wanted(method, route.url))) return;
    const own = route.preHandler === undefined ? [] : Array.isArray(route.preHandler) ? route.preHandler : [route.preHandler];
    route.preHandler = [...own, hook];
  });
}
