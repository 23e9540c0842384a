import { ErrorResponses, IdParams, InviteStaff, MerchantUser, MerchantUsers, MerchantUserWithPassword, NoContent, SetStaffRole } from '@dropgate/contract';
import { actorOf } from '../../../access-control/index.ts';
import type { Hub } from '../../../hub.ts';
import { userOut } from '../../../operator-api/index.ts';
import type { TypedApp } from '../../../platform/http/typed-app.ts';
import { merchantOf } from '../merchant-of.ts';

/** The merchant's own staff, managed by its owners: invite (first password shown once), roles, removal. */
export function staffRoutes(app: TypedApp, hub: Hub): void {
  app.get('/users', {
    config: { access: 'merchant.staff' },
    schema: { response: { 200: MerchantUsers, ...ErrorResponses }, summary: 'Your staff: who signs in to this cabinet, with their roles' },
  }, async (request) => ({ users: (await hub.access.users(merchantOf(request).merchantId)).map(userOut) }));

  app.post('/users', {
    config: { access: 'merchant.staff' },
    schema: { body: InviteStaff, response: { 201: MerchantUserWithPassword, ...ErrorResponses }, summary: 'Invites a staff member with a role; the answer holds their first password, shown only here' },
  }, async (request, reply) => {
    const { user, password } = await hub.access.createMerchantUser(merchantOf(request).merchantId, request.body.email, request.body.role, actorOf(request));
    return reply.status(201).send({ ...userOut(user), password });
  });

  app.put('/users/:id/role', {
    config: { access: 'merchant.staff' },
    schema: { params: IdParams, body: SetStaffRole, response: { 200: MerchantUser, ...ErrorResponses }, summary: "Changes a staff member's role (the merchant keeps at least one owner)" },
  }, async (request) => userOut(await hub.access.setMerchantUserRole(merchantOf(request).merchantId, request.params.id, request.body.role, actorOf(request))));

  app.delete('/users/:id', {
    config: { access: 'merchant.staff' },
    schema: { params: IdParams, response: { 204: NoContent, ...ErrorResponses }, summary: 'Removes a staff member: their sign-in and sessions end' },
  }, async (request, reply) => {
    await hub.access.removeMerchantUser(merchantOf(request).merchantId, request.params.id, actorOf(request));
    return reply.status(204).send();
  });
}
