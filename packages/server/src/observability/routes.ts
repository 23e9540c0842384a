/**
 * The probes and the metrics over HTTP: GET /health (the process answers), GET /ready (it should
 * get traffic), GET /metrics (Prometheus text, behind DROPGATE_METRICS_TOKEN), and the hook that
 * times every request. Outside the APIs: no schemas in /docs, no shop or operator token.
 */
import type { FastifyInstance } from 'fastify';
import { bearerMatches, hashToken } from '../platform/crypto.ts';
import { AppError } from '../platform/errors.ts';
import type { HubMetrics } from './metrics.ts';
import type { ReadinessProbe } from './readiness.ts';

/** Times every request, labelled by its route's template (never the raw URL, whose values are unbounded). */
export function installHttpMetrics(app: FastifyInstance, metrics: HubMetrics): void {
  app.addHook('onResponse', async (request, reply) => {
    metrics.httpRequest(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
  });
}

export function healthRoute(app: FastifyInstance): void {
  app.get('/health', { schema: { hide: true } }, async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    return { status: 'ok' };
  });
}

export interface ObservabilityOptions {
  readiness: ReadinessProbe;
  metrics: HubMetrics;
  /** Unset: /metrics answers NOT_FOUND (metrics are off). */
  metricsToken: string | undefined;
}

export async function observabilityRoutes(app: FastifyInstance, { readiness, metrics, metricsToken }: ObservabilityOptions): Promise<void> {
  app.get('/ready', { schema: { hide: true } }, async (_request, reply) => {
    const state = await readiness.check();
    reply.status(state.status === 'ready' ? 200 : 503).header('cache-control', 'no-store');
    return state;
  });

  const tokenHash = metricsToken === undefined ? undefined : hashToken(metricsToken);
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    if (!tokenHash) throw new AppError('NOT_FOUND', 'Metrics are off on this hub: set DROPGATE_METRICS_TOKEN to serve them');
    if (!bearerMatches(request.headers.authorization, tokenHash)) {
      throw new AppError('INVALID_TOKEN', 'Missing or invalid metrics token (Authorization: Bearer <DROPGATE_METRICS_TOKEN>)');
    }
    reply.type(metrics.registry.contentType).header('cache-control', 'no-store');
    return metrics.registry.metrics();
  });
}
