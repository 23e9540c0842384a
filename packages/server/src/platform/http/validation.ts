/**
 * Request validation. Bodies are checked strictly: no type coercion ("999" is not 999), unknown
 * fields rejected, nothing removed silently. Query strings and params are text by nature, so
 * there numbers are coerced from their text.
 */
import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance } from 'fastify';

const COMMON: Options = { allErrors: false, verbose: true, useDefaults: true, strict: false };

export function installValidation(app: FastifyInstance): void {
  // Formats (date-time) are checked, not ignored: "yesterday" is bad input, not a 503 later.
  const body = addFormats.default(new Ajv({ ...COMMON, coerceTypes: false, removeAdditional: false }), ['date-time']);
  const text = addFormats.default(new Ajv({ ...COMMON, coerceTypes: true, removeAdditional: false }), ['date-time']);
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? body : text).compile(schema));
}
