/** Request bodies checked against the contract's own schemas: the simulators accept what the specs do. */
import type { Static, TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { NOT_JSON } from './http-server.ts';

export type Checked<T> = { ok: true; value: T } | { ok: false; field: string; problem: string };

export function checkBody<T extends TSchema>(schema: T, body: unknown): Checked<Static<T>> {
  if (body === NOT_JSON || body === undefined) return { ok: false, field: 'body', problem: 'body: must be a JSON object' };
  if (Value.Check(schema, body)) return { ok: true, value: body };
  const first = Value.Errors(schema, body).First();
  const field = first?.path.replace(/^\//, '').replaceAll('/', '.') || 'body';
  return { ok: false, field, problem: `${field}: ${first?.message ?? 'is invalid'}` };
}
