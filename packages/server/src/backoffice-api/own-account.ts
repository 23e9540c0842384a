/**
 * A person's own account, the same on both surfaces: their password and their two-factor sign-in
 * (set up with the password asked again, enabled with a first code, recovery codes shown once,
 * turned off or its recovery codes renewed with a code). Registered behind each surface's guard.
 */
import {
  ChangePassword, ErrorResponses, NoContent, RecoveryCodes, TwoFactorCode, TwoFactorSecret, TwoFactorSetUp, TwoFactorStatus,
} from '@dropgate/contract';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { actorOf, principalOf } from '../access-control/index.ts';
import type { Hub } from '../hub.ts';
import { personOf, type Person } from '../modules/access/index.ts';
import { AppError } from '../platform/errors.ts';

/** The signed-in person; the bootstrap key is no person, so it has no password or two-factor here. */
function personOfRequest(request: FastifyRequest): { person: Person; label: string } {
  const principal = principalOf(request);
  const person = personOf(principal);
  if (!person || !('email' in principal)) throw new AppError('FORBIDDEN', 'The bootstrap key has no account of its own: sign in with your email to manage yours');
  return { person, label: principal.email };
}

export function ownAccountRoutes(app: FastifyInstance, hub: Hub, access: 'self' | 'merchant.self'): void {
  const typed = app.withTypeProvider<TypeBoxTypeProvider>();
  const config = { access };

  typed.put('/password', {
    config, schema: { body: ChangePassword, response: { 204: NoContent, ...ErrorResponses }, summary: 'Changes your password; your other sessions end' },
  }, async (request, reply) => {
    await hub.access.changePassword(personOfRequest(request).person, request.body.currentPassword, request.body.newPassword, actorOf(request));
    return reply.status(204).send();
  });

  typed.get('/two-factor', {
    config, schema: { response: { 200: TwoFactorStatus, ...ErrorResponses }, summary: 'Whether your two-factor sign-in is on, and how many recovery codes are left' },
  }, async (request) => {
    const { person } = personOfRequest(request);
    const principal = principalOf(request);
    const status = await hub.access.twoFactorStatus(person);
    return { ...status, required: principal.kind === 'operator-user' && (principal.mustEnrollTwoFactor || (await hub.team.twoFactorRequired())) };
  });

  typed.post('/two-factor/setup', {
    config, schema: { body: TwoFactorSetUp, response: { 200: TwoFactorSecret, ...ErrorResponses }, summary: 'A new secret for your authenticator app (shown only here); your password again as proof' },
  }, async (request) => {
    const { person, label } = personOfRequest(request);
    return hub.access.setUpTwoFactor(person, label, request.body.password, actorOf(request));
  });

  typed.post('/two-factor/enable', {
    config, schema: { body: TwoFactorCode, response: { 200: RecoveryCodes, ...ErrorResponses }, summary: 'Turns two-factor on with a first code; answers your recovery codes, shown only here' },
  }, async (request) => ({ recoveryCodes: await hub.access.enableTwoFactor(personOfRequest(request).person, request.body.code, actorOf(request)) }));

  typed.post('/two-factor/disable', {
    config, schema: { body: TwoFactorCode, response: { 204: NoContent, ...ErrorResponses }, summary: 'Turns two-factor off, with a current code or a recovery code' },
  }, async (request, reply) => {
    await hub.access.disableTwoFactor(personOfRequest(request).person, request.body.code, actorOf(request));
    return reply.status(204).send();
  });

  typed.post('/two-factor/recovery-codes', {
    config, schema: { body: TwoFactorCode, response: { 200: RecoveryCodes, ...ErrorResponses }, summary: 'New recovery codes (shown only here); the old ones stop working' },
  }, async (request) => ({ recoveryCodes: await hub.access.renewRecoveryCodes(personOfRequest(request).person, request.body.code, actorOf(request)) }));
}
