import { CreateUser, ErrorResponses, IdParams, MerchantUser, MerchantUsers, MerchantUserWithPassword } from '@dropgate/contract';
import { actorOf } from '../../access-control/index.ts';
import type { Hub } from '../../hub.ts';
import type { TypedApp } from '../../platform/http/typed-app.ts';
import { userOut } from '../present.ts';

/** Merchant users: who signs in to the merchant cabinet. Passwords appear once, in these answers. */
export function userRoutes(app: TypedApp, hub: Hub): void {
  app.post('/merchants/:id/users', {
    config: { access: 'merchants' },
    schema: {
      params: IdParams, body: CreateUser, response: { 201: MerchantUserWithPassword, ...ErrorResponses },
      summary: 'A cabinet user for the merchant (an owner unless a role is given); the answer holds the first password, shown only here',
    },
  }, async (request, reply) => {
    const { user, password } = await hub.access.createMerchantUser(request.params.id, request.body.email, request.body.role ?? 'owner', actorOf(request));
    return reply.status(201).send({ ...userOut(user), password });
  });

  app.get('/merchants/:id/users', {
    config: { access: 'read' },
    schema: { params: IdParams, response: { 200: MerchantUsers, ...ErrorResponses }, summary: "The merchant's cabinet users" },
  }, async (request) => {
    await hub.merchants.get(request.params.id);
    return { users: (await hub.access.users(request.params.id)).map(userOut) };
  });

  app.post('/users/:id/reset-password', {
    config: { access: 'merchants' },
    schema: { params: IdParams, response: { 200: MerchantUserWithPassword, ...ErrorResponses }, summary: 'A new generated password (shown only here); the user is signed out everywhere' },
  }, async (request) => {
    const { user, password } = await hub.access.resetPassword(request.params.id, actorOf(request));
    return { ...userOut(user), password };
  });

  app.post('/users/:id/reset-two-factor', {
    config: { access: 'merchants' },
    schema: { params: IdParams, response: { 200: MerchantUser, ...ErrorResponses }, summary: "Turns the user's two-factor sign-in off (a lost device); they are signed out everywhere" },
  }, async (request) => userOut(await hub.access.resetMerchantUserTwoFactor(request.params.id, actorOf(request))));
}
