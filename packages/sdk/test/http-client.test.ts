/**
 * HttpClient, the transport under every client, against a plain HTTP server that echoes what it
 * received: what goes out (method, path, Authorization, content type, raw bodies), that any status
 * is an answer, and which failures are TransportErrors of which kind.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../src/index.ts';
import { transportError } from './support/outcome.ts';

let server: Server;
let base: string;

async function echo(request: IncomingMessage, response: ServerResponse): Promise<void> {
  let received = '';
  for await (const chunk of request) received += chunk;
  const url = new URL(request.url!, 'http://x');
  if (url.pathname === '/slow') return void setTimeout(() => response.end('{}'), 500);
  if (url.pathname === '/moved') return void response.writeHead(302, { location: '/teapot' }).end();
  if (url.pathname === '/html') return void response.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad gateway</h1>');
  if (url.pathname === '/large') return void response.end(JSON.stringify({ padding: 'x'.repeat(2 * 1024 * 1024) }));
  const status = url.pathname === '/teapot' ? 418 : 200;
  response.writeHead(status, { 'content-type': 'application/json', 'x-echo': 'yes' }).end(JSON.stringify({
    method: request.method,
    path: request.url,
    authorization: request.headers.authorization ?? null,
    contentType: request.headers['content-type'] ?? null,
    accept: request.headers.accept ?? null,
    custom: request.headers['x-custom'] ?? null,
    received,
  }));
}

/** A loopback port nothing listens on any more. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  server = createServer((request, response) => void echo(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('HttpClient', () => {
  it('sends JSON with the Authorization value as given, to baseUrl + path; GET without a body, POST with one', async () => {
    const http = new HttpClient({ baseUrl: `${base}/prefix/`, authorization: 'raw-token' });
    const posted = await http.send({ path: '/orders?page=2', body: { price: 23.09 } });
    expect(posted.operation).toBe('POST /orders');
    expect(posted.status).toBe(200);
    expect(posted.headers.get('x-echo')).toBe('yes');
    expect(posted.body).toEqual({
      method: 'POST', path: '/prefix/orders?page=2', authorization: 'raw-token', contentType: 'application/json',
      accept: 'application/json', custom: null, received: '{"price":23.09}',
    });
    const got = await new HttpClient({ baseUrl: `${base}/balance` }).send();
    expect(got.body).toMatchObject({ method: 'GET', path: '/balance', authorization: null, contentType: null, received: '' });
    expect(got.operation).toBe('GET /balance');
  });

  it('sends a raw body with its own content type, any method and extra headers', async () => {
    const http = new HttpClient({ baseUrl: base, authorization: 'Bearer operator' });
    const answer = await http.send({ method: 'PATCH', path: '/x', rawBody: '{"offerId":', contentType: 'text/plain', headers: { 'x-custom': 'on' } });
    expect(answer.body).toMatchObject({ method: 'PATCH', authorization: 'Bearer operator', contentType: 'text/plain', custom: 'on', received: '{"offerId":' });
  });

  it('answers any status without throwing; a body that is not JSON is the text, with body undefined', async () => {
    const http = new HttpClient({ baseUrl: base });
    expect((await http.send({ path: '/teapot' })).status).toBe(418);
    const html = await http.send({ path: '/html' });
    expect(html).toMatchObject({ status: 502, text: '<h1>Bad gateway</h1>', body: undefined });
  });

  it('answers a redirect as it is, unless told to follow it', async () => {
    expect((await new HttpClient({ baseUrl: base }).send({ path: '/moved' })).status).toBe(302);
    expect((await new HttpClient({ baseUrl: base, followRedirects: true }).send({ path: '/moved' })).status).toBe(418);
  });

  it('fails as TransportError: timeout, network, and a body over the limit (1 MiB unless raised)', async () => {
    const timeout = await transportError(new HttpClient({ baseUrl: base, timeoutMs: 100 }).send({ path: '/slow' }), 'timeout');
    expect(timeout.message).toBe('GET /slow: no complete answer within 100 ms');
    const refused = await transportError(new HttpClient({ baseUrl: `http://127.0.0.1:${await closedPort()}` }).send({ path: '/x' }), 'network');
    expect(refused.message).toContain('ECONNREFUSED');
    const large = await transportError(new HttpClient({ baseUrl: base }).send({ path: '/large' }), 'bad-body');
    expect(large.httpStatus).toBe(200);
    const unlimited = await new HttpClient({ baseUrl: base, maxBodyBytes: Infinity }).send({ path: '/large' });
    expect((unlimited.body as { padding: string }).padding).toHaveLength(2 * 1024 * 1024);
  });

  it('refuses a missing baseUrl and a timeout that is not positive', () => {
    expect(() => new HttpClient({ baseUrl: '' })).toThrow(TypeError);
    expect(() => new HttpClient({ baseUrl: base, timeoutMs: 0 })).toThrow(/timeoutMs/);
  });
});
