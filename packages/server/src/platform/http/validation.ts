/**
 * Request validation. Bodies are checked strictly: no type coercion ("999" is not 999), unknown
 * fields rejected, nothing removed silently. Query strings and params are text by nature, so
 * there numbers are coerced from their text.
 */
import { Ajv, type Options } from 'ajv';
import type { FastifyInstance } from 'fastify';

const COMMON: Options = { allErrors: false, verbose: true, useDefaults: true, strict: false };

export function installValidation(app: FastifyInstance): void {
  const body = new Ajv({ ...COMMON, coerceTypes: false, removeAdditional: false });
  const text = new Ajv({ ...COMMON, coerceTypes: true, removeAdditional: false });
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? body : text).compile(schema));
}
