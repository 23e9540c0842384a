/**
 * Text PostgreSQL cannot store, refused at the edge with a 400 naming where it is: a NUL
 * character (U+0000; PostgreSQL's text has none) or a lone UTF-16 surrogate (not Unicode: it
 * would be stored as U+FFFD, so two different ids would become one). Checked in every body field,
 * query value, path parameter and header, before validation, for every route of every protocol.
 * Numbers beyond 2^53 are refused too: JSON cannot carry them exactly, and the hub's ids and
 * amounts stop there (docs/architecture.md).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { invalidField } from '../errors.ts';

export function installInputGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (request: FastifyRequest) => {
    // Fields are named as validation names them: "customer.gameUserId", a query's "q".
    checkValue(request.body, '', 'body');
    checkValue(request.query, '', 'query');
    checkValue(request.params, '', 'params');
    for (const [name, value] of Object.entries(request.headers)) checkValue(value, `header ${name}`, `header ${name}`);
  });
}

function checkValue(value: unknown, path: string, whole: string): void {
  const field = path || whole;
  if (typeof value === 'string') {
    if (value.includes('\u0000')) throw invalidField(field, 'must not contain a NUL character (\\u0000)');
    if (!value.isWellFormed()) throw invalidField(field, 'must be valid Unicode (it has a lone surrogate)');
  } else if (typeof value === 'number') {
    if (!Number.isFinite(value) || Math.abs(value) > Number.MAX_SAFE_INTEGER) throw invalidField(field, 'is out of range');
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => checkValue(item, `${field}.${index}`, whole));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const at = path ? `${path}.${key}` : key;
      checkValue(key, at, whole);
      checkValue(item, at, whole);
    }
  }
}
