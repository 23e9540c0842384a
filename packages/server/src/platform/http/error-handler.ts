/**
 * The one error handler. Every failure leaves the hub in the error shape of the protocol whose
 * path was called: {"error": {"code", "message", ...}} by default, or a protocol's own (CodeGames
 * answers {status, comment}), registered as an ErrorShape for its path prefix. AppErrors answer
 * their code's status, bad input of any kind INVALID_REQUEST_BODY naming the field, a database
 * that cannot answer now 503 with Retry-After, and anything unexpected 503 SERVICE_UNAVAILABLE
 * (logged with its stack, never sent).
 *
 * Failures the framework or Node answer before any route runs (no such route, a bad URL escape,
 * a request or its headers too slow, headers too large, broken HTTP) take the same shapes.
 */
import type { Socket } from 'node:net';
import { STATUS_CODES } from 'node:http';
import type { ErrorCode } from '@dropgate/contract';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { databaseFault } from '../db/faults.ts';
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

/** How long a client told "retry later" should wait: a restarting database is back in seconds. */
export const RETRY_AFTER_SECONDS = 2;

/** A failure as the hub answers it, before a protocol words it. */
export interface Failure {
  status: number;
  code: ErrorCode;
  message: string;
  details: Record<string, unknown>;
}

/** A protocol's own wording of failures, for the paths under `prefix`. */
export interface ErrorShape {
  prefix: string;
  render(failure: Failure): { status: number; body: unknown };
}

const DEFAULT_SHAPE: ErrorShape['render'] = ({ status, code, message, details }) => ({ status, body: { error: { code, message, ...details } } });

export function installErrorHandling(app: FastifyInstance, shapes: ErrorShape[] = []): void {
  app.setErrorHandler((error: FastifyError | AppError, request, reply) => sendFailure(reply, renderFor(shapes, request.url), describeFailure(error, request)));
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]!;
    return sendFailure(reply, renderFor(shapes, path), { status: 404, code: 'NOT_FOUND', message: `No route ${request.method} ${path}`, details: {} });
  });
}

/**
 * What a failure means, for any protocol: the status, the code and a message for the caller,
 * logged as it deserves (a bug with its stack; an outage as a warning; bad input not at all).
 */
export function describeFailure(error: FastifyError | AppError, request: FastifyRequest): Failure {
  if (error instanceof AppError) return { status: error.status, code: error.code, message: error.message, details: error.details };
  const bad = describeBadRequest(error);
  if (bad) return { status: bad.status, code: 'INVALID_REQUEST_BODY', message: bad.message, details: bad.field === undefined ? {} : { field: bad.field } };
  const unavailableCode = request.routeOptions.config?.unavailableCode ?? 'SERVICE_UNAVAILABLE';
  switch (databaseFault(error)) {
    case 'refused-input':
      request.log.warn({ err: { message: error.message, code: error.code } }, 'the database refused a value of the request');
      return { status: 400, code: 'INVALID_REQUEST_BODY', message: 'a value of the request cannot be stored (a character or a number out of range)', details: {} };
    case 'unavailable':
      request.log.warn({ err: { message: error.message, code: error.code } }, 'database unavailable');
      return { status: 503, code: unavailableCode, message: `The database is unavailable or did not answer in time; retry later (request ${request.id})`, details: {} };
    default:
      request.log.error({ err: error }, 'request failed');
      return { status: 503, code: unavailableCode, message: `Service temporarily unavailable; retry later (request ${request.id})`, details: {} };
  }
}

function renderFor(shapes: ErrorShape[], url: string): ErrorShape['render'] {
  return shapes.find((shape) => url.startsWith(shape.prefix))?.render ?? DEFAULT_SHAPE;
}

/** Answers a failure in a shape; every 503 says when to retry. */
export function sendFailure(reply: FastifyReply, render: ErrorShape['render'], failure: Failure) {
  const { status, body } = render(failure);
  if (status === 503) reply.header('retry-after', String(RETRY_AFTER_SECONDS));
  return reply.status(status).send(body);
}

/**
 * Fastify's and Node's own failures, in the protocols' shapes: `frameworkErrors` (a bad URL
 * escape, an over-long path parameter) and `clientErrorHandler` (a request or its headers not
 * received in time, headers over the limit, bytes that are not HTTP), which Node raises on the
 * raw socket, before any request object exists.
 */
export function frameworkErrorOptions(shapes: ErrorShape[]): Pick<FastifyServerOptions, 'frameworkErrors' | 'clientErrorHandler'> {
  return {
    frameworkErrors(error, request, reply) {
      const path = request.raw.url?.split('?')[0] ?? '/';
      const failure: Failure = error.code === 'FST_ERR_BAD_URL' || error.code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? { status: 400, code: 'INVALID_REQUEST_BODY', message: `the URL ${JSON.stringify(path)} is not valid (a bad %-escape or a part too long)`, details: {} }
        : { status: 503, code: 'SERVICE_UNAVAILABLE', message: 'Service temporarily unavailable; retry later', details: {} };
      void sendFailure(reply, renderFor(shapes, path), failure);
    },
    clientErrorHandler(error, socket: Socket) {
      if (error.code === 'ECONNRESET' || socket.destroyed) return;
      const failure = clientFailure(error.code);
      const { status, body } = renderFor(shapes, requestPath((error as { rawPacket?: unknown }).rawPacket, socket))(failure);
      // A request answered before its body arrived (a bad token) cannot be answered twice: then
      // the connection is only closed.
      if (socket.writable && !connectionOf(socket).answeredEarly) {
        const text = JSON.stringify(body);
        const retry = status === 503 ? `Retry-After: ${RETRY_AFTER_SECONDS}\r\n` : '';
        socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\n${retry}Connection: close\r\n\r\n${text}`);
      }
      socket.destroy();
    },
  };
}

function clientFailure(code: string | undefined): Failure {
  switch (code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, code: 'INVALID_REQUEST_BODY', message: 'the request (its headers or its body) was not received in time', details: {} };
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, code: 'INVALID_REQUEST_BODY', message: 'the request headers are too large', details: {} };
    default:
      return { status: 400, code: 'INVALID_REQUEST_BODY', message: 'the request is not valid HTTP', details: {} };
  }
}

/** The path of the request a client error belongs to: from the bytes Node kept, or the socket's last request. */
function requestPath(rawPacket: unknown, socket: Socket): string {
  const line = Buffer.isBuffer(rawPacket) ? rawPacket.subarray(0, 2048).toString('latin1') : '';
  return /^[A-Z]+ (\/[^ ?\r\n]*)/.exec(line)?.[1] ?? lastPathOf(socket) ?? '/';
}

const CONNECTION = Symbol('dropgate.connection');
interface ConnectionState {
  lastPath?: string;
  /** Its request was answered while its body was still arriving. */
  answeredEarly?: boolean;
}

function connectionOf(socket: Socket): ConnectionState {
  const holder = socket as Socket & { [CONNECTION]?: ConnectionState };
  return (holder[CONNECTION] ??= {});
}

/**
 * What Node's client errors need to know of the connection they hit: the path of its request (a
 * timeout is reported on the socket alone), and whether that request was answered already.
 */
export function trackConnections(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    Object.assign(connectionOf(request.raw.socket), { lastPath: request.url.split('?')[0], answeredEarly: false });
  });
  app.addHook('onResponse', async (request) => {
    if (!request.raw.complete) connectionOf(request.raw.socket).answeredEarly = true;
  });
}

function lastPathOf(socket: Socket): string | undefined {
  return connectionOf(socket).lastPath;
}

/**
 * Bad input of any kind (schema violations, broken or oversized bodies, wrong content types) as
 * an HTTP status and a sentence naming the field; undefined when the failure is not the caller's.
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
