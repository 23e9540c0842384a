/**
 * Every API route declares its wire contract: the request parts it takes and the answers it gives
 * (success and errors), from @dropgate/contract. The routes are read from the app itself, so a
 * route added without schemas fails here. Also: the contract's schemas are named once each, and
 * the back-office app takes only types from the contract (its bundle carries no TypeBox).
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as contract from '@dropgate/contract';
import { CodeGamesErrorResponse, ErrorResponse } from '@dropgate/contract';
import type { RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, registerApis } from '../src/app.ts';
import { startTestHub, type TestHub } from './support/hub.ts';

/** The APIs held to this rule. Outside them: the app's pages and files at /, /docs, /health. */
const API_PREFIXES = ['/admin/v1/', '/console/v1/', '/cabinet/v1/', '/api/'];

/** Writes that take no body: everything they need is in the path (or the session). */
const NO_BODY = new Set([
  'POST /api/v1/balance/check',
  'POST /admin/v1/webhooks/:id/test', 'POST /console/v1/webhooks/:id/test', 'POST /cabinet/v1/webhooks/:id/test',
  'POST /admin/v1/webhook-deliveries/:id/redeliver', 'POST /console/v1/webhook-deliveries/:id/redeliver', 'POST /cabinet/v1/webhook-deliveries/:id/redeliver',
  'POST /admin/v1/shops/:id/rotate-token', 'POST /console/v1/shops/:id/rotate-token', 'POST /cabinet/v1/shops/:id/rotate-token',
  'POST /admin/v1/stock-keys/:id/reveal', 'POST /console/v1/stock-keys/:id/reveal',
  'POST /admin/v1/orders/:id/reveal-key', 'POST /console/v1/orders/:id/reveal-key', 'POST /cabinet/v1/orders/:id/reveal-key',
  'POST /admin/v1/users/:id/reset-password', 'POST /console/v1/users/:id/reset-password',
  'POST /admin/v1/users/:id/reset-two-factor', 'POST /console/v1/users/:id/reset-two-factor',
  'POST /admin/v1/operators/:id/reset-password', 'POST /console/v1/operators/:id/reset-password',
  'POST /admin/v1/operators/:id/reset-two-factor', 'POST /console/v1/operators/:id/reset-two-factor',
  'POST /admin/v1/api-keys/:id/rotate', 'POST /console/v1/api-keys/:id/rotate',
  'POST /admin/v1/api-keys/:id/revoke', 'POST /console/v1/api-keys/:id/revoke',
  'POST /admin/v1/suppliers/:id/syncs', 'POST /console/v1/suppliers/:id/syncs',
  'POST /admin/v1/suppliers/:id/syncs/:syncId/confirm', 'POST /console/v1/suppliers/:id/syncs/:syncId/confirm',
  'POST /admin/v1/suppliers/:id/syncs/:syncId/discard', 'POST /console/v1/suppliers/:id/syncs/:syncId/discard',
]);

let hub: TestHub;
const routes: RouteOptions[] = [];

beforeAll(async () => {
  hub = await startTestHub();
  // The started hub's own APIs, registered again on an app that records them: the same
  // buildApp and registerApis as start-up, with an onRoute hook in place before any API.
  const app = await buildApp();
  app.addHook('onRoute', (route) => {
    routes.push(route);
  });
  await registerApis(app, hub.running.hub);
  await app.ready();
  await app.close();
});

afterAll(() => hub.stop());

function apiRoutes(): Array<{ name: string; route: RouteOptions }> {
  return routes
    .filter((r) => API_PREFIXES.some((prefix) => r.url.startsWith(prefix)) && r.method !== 'HEAD')
    .flatMap((route) => [route.method].flat().map((method) => ({ name: `${method} ${route.url}`, route })));
}

const WRITES = new Set(['POST', 'PUT', 'PATCH']);

describe('every route declares its schemas', () => {
  it('finds the routes of every API', () => {
    const names = apiRoutes().map((r) => r.name);
    for (const expected of ['GET /admin/v1/orders', 'GET /console/v1/orders', 'GET /cabinet/v1/orders', 'POST /console/v1/session', 'POST /api/v1/offers/create-order']) {
      expect(names).toContain(expected);
    }
    expect(names.length).toBeGreaterThan(90);
  });

  it('an answer for its success and the one error shape for 4xx and 5xx', () => {
    const missing: string[] = [];
    for (const { name, route } of apiRoutes()) {
      const response = (route.schema?.response ?? {}) as Record<string, unknown>;
      const success = Object.keys(response).filter((status) => /^2(\d\d|xx)$/.test(status));
      if (success.length === 0) missing.push(`${name}: no success answer`);
      // Each protocol has one error shape: CodeGames answers {status, comment}, the others {error}.
      const shape = name.includes(' /api/codegames/') ? CodeGamesErrorResponse : ErrorResponse;
      for (const status of ['4xx', '5xx']) if (response[status] !== shape) missing.push(`${name}: ${status} is not its protocol's error shape`);
    }
    expect(missing).toEqual([]);
  });

  it('a success answer with a body is a named schema of the contract', () => {
    const named = new Set<unknown>(Object.values<unknown>(contract).filter(isSchema).filter((s) => typeof s.title === 'string'));
    const unnamed: string[] = [];
    for (const { name, route } of apiRoutes()) {
      for (const [status, answer] of Object.entries((route.schema?.response ?? {}) as Record<string, unknown>)) {
        if (!status.startsWith('2') || status === '204') continue;
        const schemas = isSchema(answer) ? [answer] : Object.values((answer as { content: Record<string, { schema: unknown }> }).content).map((c) => c.schema);
        for (const schema of schemas) if (!isSchema(schema) || !named.has(contractSchemaOf(schema))) unnamed.push(`${name} ${status}`);
      }
    }
    expect(unnamed).toEqual([]);
  });

  it('path parameters have a params schema; writes a body schema unless they take none', () => {
    const undeclared: string[] = [];
    for (const { name, route } of apiRoutes()) {
      if (route.url.includes(':') && !route.schema?.params) undeclared.push(`${name}: params`);
      const method = name.split(' ')[0]!;
      if (WRITES.has(method) && !NO_BODY.has(name) && !route.schema?.body) undeclared.push(`${name}: body`);
      if (NO_BODY.has(name) && route.schema?.body) undeclared.push(`${name}: takes a body, so it is not in NO_BODY`);
    }
    expect(undeclared).toEqual([]);
  });

  it('the writes listed as taking no body are routes that exist', () => {
    const names = new Set(apiRoutes().map((r) => r.name));
    expect([...NO_BODY].filter((name) => !names.has(name))).toEqual([]);
  });
});

describe('the contract', () => {
  it('names each schema after its export, once', () => {
    const wrong: string[] = [];
    for (const [name, value] of Object.entries<unknown>(contract)) {
      if (isSchema(value) && typeof value.title === 'string' && value.title !== name) wrong.push(`${name} is titled ${value.title}`);
    }
    expect(wrong).toEqual([]);
  });
});

describe('the back-office app', () => {
  it('imports only types from @dropgate/contract, so no TypeBox reaches its bundle', async () => {
    const src = fileURLToPath(new URL('../../web/src/', import.meta.url));
    const files = (await readdir(src, { recursive: true })).filter((f) => /\.tsx?$/.test(f));
    const valueImports: string[] = [];
    let typeImports = 0;
    for (const file of files) {
      const text = await readFile(path.join(src, file), 'utf8');
      for (const [statement] of text.matchAll(/^import\s[^;]*?from\s+'@dropgate\/contract';/gm)) {
        if (/^import\s+type\s/.test(statement)) typeImports += 1;
        else valueImports.push(`${file}: ${statement}`);
      }
    }
    expect(valueImports).toEqual([]);
    expect(typeImports).toBeGreaterThan(0);
  });
});

function isSchema(value: unknown): value is { title?: unknown; [key: string]: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && (typeof (value as { type?: unknown }).type === 'string' || 'anyOf' in value);
}

/** A route may declare a contract schema as is, or a local wrapper of it (same title, same shape). */
function contractSchemaOf(schema: { title?: unknown }): unknown {
  const exported = (contract as Record<string, unknown>)[String(schema.title)];
  return isSchema(exported) && JSON.stringify(exported) === JSON.stringify(schema) ? exported : schema;
}
