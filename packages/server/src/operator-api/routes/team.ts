import {
  ErrorResponses, IdParams, InviteOperator, OperatorUser, OperatorUsers, OperatorUserWithPassword, TwoFactorPolicy, UpdateOperator,
} from '@dropgate/contract';
import { actorOf } from '../../access-control/index.ts';
import type { Hub } from '../../hub.ts';
import type { TypedApp } from '../../platform/http/typed-app.ts';
import { operatorOut } from '../present-team.ts';

/** The owner's: operator accounts (invited with a first password shown once), roles, two-factor. */
export function teamRoutes(app: TypedApp, hub: Hub): void {
  app.get('/operators', {
    config: { access: 'team' },
    schema: { response: { 200: OperatorUsers, ...ErrorResponses }, summary: 'Operator accounts, and whether two-factor is required of them' },
  }, async () => {
    const [operators, requireTwoFactor] = await Promise.all([hub.team.operators(), hub.team.twoFactorRequired()]);
    return { operators: operators.map(operatorOut), requireTwoFactor };
  });

  app.post('/operators', {
    config: { access: 'team' },
    schema: { body: InviteOperator, response: { 201: OperatorUserWithPassword, ...ErrorResponses }, summary: 'Invites an operator: an account with a role and a first password, shown only here' },
  }, async (request, reply) => {
    const { user, password } = await hub.team.invite(request.body.email, request.body.role, actorOf(request));
    return reply.status(201).send({ ...operatorOut(user), password });
  });

  app.patch('/operators/:id', {
    config: { access: 'team' },
    schema: { params: IdParams, body: UpdateOperator, response: { 200: OperatorUser, ...ErrorResponses }, summary: 'Changes an operator\'s role, or disables the account (its sessions end) or enables it' },
  }, async (request) => operatorOut(await hub.team.update(request.params.id, request.body, actorOf(request))));

  app.post('/operators/:id/reset-password', {
    config: { access: 'team' },
    schema: { params: IdParams, response: { 200: OperatorUserWithPassword, ...ErrorResponses }, summary: 'A new generated password (shown only here); the operator is signed out everywhere' },
  }, async (request) => {
    const { user, password } = await hub.team.resetPassword(request.params.id, actorOf(request));
    return { ...operatorOut(user), password };
  });

  app.post('/operators/:id/reset-two-factor', {
    config: { access: 'team' },
    schema: { params: IdParams, response: { 200: OperatorUser, ...ErrorResponses }, summary: "Turns the operator's two-factor sign-in off (a lost device); they are signed out everywhere" },
  }, async (request) => operatorOut(await hub.team.resetTwoFactor(request.params.id, actorOf(request))));

  app.put('/two-factor-policy', {
    config: { access: 'team' },
    schema: { body: TwoFactorPolicy, response: { 200: TwoFactorPolicy, ...ErrorResponses }, summary: 'Requires (or stops requiring) two-factor sign-in of every operator user' },
  }, async (request) => {
    await hub.team.setTwoFactorRequired(request.body.requireTwoFactor, actorOf(request));
    return { requireTwoFactor: request.body.requireTwoFactor };
  });
}
