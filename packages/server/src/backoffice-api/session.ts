/**
 * Browser sessions for the back-office: cookies, the per-request guard (session, role, CSRF,
 * Origin), and the sign-in / session / sign-out routes both surfaces share.
 *
 * - `dg_session`: the session token. HttpOnly (scripts never see it), SameSite=Strict (never sent
 *   on a request another site starts), Secure over HTTPS. Stored on the hub as SHA-256 only.
 * - `dg_csrf`: the session's CSRF token, readable by the page, which echoes it in the
 *   `X-CSRF-Token` header of every state-changing call. The hub checks header = cookie (double
 *   submit) and that it is this session's token (stored hashed with the session), so a token
 *   planted in a cookie by someone else does not pass either.
 */
import { BackofficeSession, ErrorResponses, NoContent } from '@dropgate/contract';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { actorOf, authorize } from '../access-control/index.ts';
import type { Hub } from '../hub.ts';
import {
  csrfMatches, merchantPermissionsOf, operatorPermissionsOf, SESSION_TTL_SECONDS, type OpenedSession, type Role, type Session,
} from '../modules/access/index.ts';
import { AppError, assert } from '../platform/errors.ts';

export const SESSION_COOKIE = 'dg_session';
export const CSRF_COOKIE = 'dg_csrf';
export const CSRF_HEADER = 'x-csrf-token';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the guard on every back-office route behind it. */
    backofficeSession: Session | null;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function secure(hub: Hub, request: FastifyRequest): boolean {
  const policy = hub.backoffice.cookieSecure;
  if (policy !== 'auto') return policy === 'always';
  // Only ever adds a restriction, so a forged X-Forwarded-Proto cannot weaken anything.
  return request.protocol === 'https' || request.headers['x-forwarded-proto'] === 'https';
}

export function setSessionCookies(hub: Hub, request: FastifyRequest, reply: FastifyReply, session: OpenedSession): void {
  const common = { path: '/', sameSite: 'strict' as const, secure: secure(hub, request), maxAge: SESSION_TTL_SECONDS };
  reply.setCookie(SESSION_COOKIE, session.token, { ...common, httpOnly: true });
  reply.setCookie(CSRF_COOKIE, session.csrfToken, { ...common, httpOnly: false });
}

function clearSessionCookies(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
  reply.clearCookie(CSRF_COOKIE, { path: '/' });
}

/**
 * A state-changing request that names its origin must come from this hub's own pages. Browsers
 * send Origin on every cross-site POST, so this stops forged requests even before the CSRF check.
 */
export function assertSameOrigin(request: FastifyRequest): void {
  const origin = request.headers.origin;
  if (origin === undefined || SAFE_METHODS.has(request.method)) return;
  let host: string | undefined;
  try {
    host = new URL(origin).host;
  } catch {
    host = undefined;
  }
  const forwardedHost = request.headers['x-forwarded-host'];
  if (host !== request.headers.host && host !== forwardedHost) {
    throw new AppError('CSRF_TOKEN_INVALID', 'This request came from another site');
  }
}

/**
 * The guard of every route behind sign-in: a live session of this surface, CSRF on writes, and
 * the person's role against the route's permission.
 */
export function sessionGuard(hub: Hub, role: Role) {
  return async (request: FastifyRequest): Promise<void> => {
    const token = request.cookies[SESSION_COOKIE];
    const session = token ? await hub.access.authenticate(token) : undefined;
    if (!session) throw new AppError('SESSION_REQUIRED', 'Sign in first (no session, or it expired)');
    if (session.role !== role) throw new AppError('FORBIDDEN', `This is for the ${role === 'operator' ? 'operator' : 'merchant cabinet'}; your session is a ${session.role}'s`);
    if (!SAFE_METHODS.has(request.method)) {
      assertSameOrigin(request);
      const header = request.headers[CSRF_HEADER];
      const cookie = request.cookies[CSRF_COOKIE];
      if (typeof header !== 'string' || header === '' || header !== cookie || !csrfMatches(session, header)) {
        throw new AppError('CSRF_TOKEN_INVALID', `Missing or wrong ${CSRF_HEADER} header (it must echo the ${CSRF_COOKIE} cookie)`);
      }
    }
    request.backofficeSession = session;
    authorize(request, session.principal);
  };
}

/** The session behind a guarded route (the guard ran, so there is one). */
export function sessionOf(request: FastifyRequest): Session {
  const session = request.backofficeSession;
  if (!session) throw new AppError('SESSION_REQUIRED', 'Sign in first');
  return session;
}

/** Who is signed in, their role and what it may do (the pages offer only that). */
export function sessionOut(session: Session): BackofficeSession {
  const { principal } = session;
  // Sessions are opened by people and by the bootstrap key; API keys are for the bearer API only.
  assert(principal.kind !== 'api-key', 'a session never belongs to an API key');
  return {
    role: session.role,
    merchantId: session.merchantId,
    email: session.email,
    expiresAt: session.expiresAt.toISOString(),
    who: principal.kind,
    staffRole: principal.role,
    permissions: principal.kind === 'merchant-user' ? merchantPermissionsOf(principal.role) : operatorPermissionsOf(principal.role),
    twoFactor: {
      enabled: principal.kind === 'operator-user' || principal.kind === 'merchant-user' ? principal.twoFactor : false,
      mustSetUp: principal.kind === 'operator-user' && principal.mustEnrollTwoFactor,
    },
  };
}

/** A new sign-in's cookies and its answer: the session as every later request will see it. */
export async function answerSignIn(hub: Hub, request: FastifyRequest, reply: FastifyReply, opened: OpenedSession): Promise<FastifyReply> {
  setSessionCookies(hub, request, reply, opened);
  const session = await hub.access.authenticate(opened.token);
  if (!session) throw new AppError('SESSION_REQUIRED', 'The new session ended at once; sign in again');
  return reply.status(201).send(sessionOut(session));
}

/**
 * GET /session (who am I) and DELETE /session (sign out), behind the guard. Sign-in itself
 * (POST /session) is registered by each surface, outside the guard.
 */
export function sessionRoutes(app: FastifyInstance, hub: Hub, access: 'self' | 'merchant.self'): void {
  const typed = app.withTypeProvider<TypeBoxTypeProvider>();
  typed.get('/session', {
    config: { access },
    schema: { response: { 200: BackofficeSession, ...ErrorResponses }, summary: 'The signed-in session' },
  }, async (request) => sessionOut(sessionOf(request)));
  typed.delete('/session', {
    config: { access },
    schema: { response: { 204: NoContent, ...ErrorResponses }, summary: 'Signs out: the session ends on the hub too' },
  }, async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    if (token) await hub.access.signOut(token, actorOf(request));
    clearSessionCookies(reply);
    return reply.status(204).send();
  });
}
