/**
 * The one error handler. Every failure leaves the hub as {"error": {"code", "message", ...}}:
 * AppErrors with their code's status, bad input of any kind as INVALID_REQUEST_BODY naming the
 * field, and anything unexpected as 503 SERVICE_UNAVAILABLE (logged with its stack, never sent).
 */
import type { ErrorCode } from '@dropgate/contract';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';

interface AjvIssue {
  keyword: string;
  instancePath: string;
  message?: string;
  params: Record<string, unknown>;
  /** Present because the validators run with ajv's `verbose`. */
  data?: unknown;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The code a route answers when its dependencies fail (the balance calls say BALANCE_UNAVAILABLE). */
    unavailableCode?: ErrorCode;
  }
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    if (error instanceof AppError) return send(reply, error.status, error.code, error.message, error.details);
    const bad = describeBadRequest(error);
    if (bad) return send(reply, bad.status, 'INVALID_REQUEST_BODY', bad.message, bad.field === undefined ? {} : { field: bad.field });
    request.log.error({ err: error }, 'request failed');
    const code = request.routeOptions.config.unavailableCode ?? 'SERVICE_UNAVAILABLE';
    return send(reply, 503, code, `Service temporarily unavailable; retry later (request ${request.id})`);
  });

  app.setNotFoundHandler((request, reply) =>
    send(reply, 404, 'NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}`),
  );
}

/**
 * Bad input of any kind (schema violations, broken or oversized bodies, wrong content types) as
 * an HTTP status and a sentence naming the field; undefined when the failure is not the caller's.
 * Every protocol's error handler words its answer from this.
 */
export function describeBadRequest(error: FastifyError): { status: number; message: string; field?: string } | undefined {
  if (error.validation) {
    const { field, problem } = describeIssue(error.validation[0] as AjvIssue, error.validationContext ?? 'body');
    return { status: 400, message: `${field}: ${problem}`, field };
  }
  const bodyProblem = BODY_PROBLEMS[error.code];
  if (bodyProblem) return { status: error.statusCode ?? 400, message: bodyProblem };
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) return { status: error.statusCode, message: error.message };
  return undefined;
}

function send(reply: FastifyReply, status: number, code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
  return reply.status(status).send({ error: { code, message, ...details } });
}

const BODY_PROBLEMS: Record<string, string> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'Content-Type must be application/json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'the request body is too large',
  FST_ERR_CTP_INVALID_JSON_BODY: 'the request body is not valid JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'the request body is empty; send a JSON object',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'Content-Length does not match the body',
};

/** One ajv issue as a field name and a sentence a developer can act on. */
function describeIssue(issue: AjvIssue, context: string): { field: string; problem: string } {
  const path = issue.instancePath.split('/').filter(Boolean).join('.');
  const at = (name: string) => (path ? `${path}.${name}` : name);
  const field = path || (context === 'body' ? 'body' : context);
  switch (issue.keyword) {
    case 'required':
      return { field: at(String(issue.params.missingProperty)), problem: 'is required' };
    case 'additionalProperties':
      return { field: at(String(issue.params.additionalProperty)), problem: 'is not a known field' };
    case 'type': {
      const expected = String(issue.params.type);
      const wanted = expected === 'integer' ? 'a whole number' : expected === 'object' ? 'an object' : `a ${expected}`;
      return { field, problem: `must be ${wanted}, not ${kindOf(issue.data)}` };
    }
    default:
      return { field, problem: issue.message ?? 'is invalid' };
  }
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'a whole number' : 'a fractional number';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}
