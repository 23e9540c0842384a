import { ApiKey, ApiKeys, ApiKeyWithToken, CreateApiKey, ErrorResponses, IdParams } from '@dropgate/contract';
import { actorOf } from '../../access-control/index.ts';
import type { Hub } from '../../hub.ts';
import type { TypedApp } from '../../platform/http/typed-app.ts';
import { apiKeyOut } from '../present-team.ts';

/** API keys for automation: each scoped to a role; the key itself appears once, in these answers. */
export function apiKeyRoutes(app: TypedApp, hub: Hub): void {
  app.get('/api-keys', {
    config: { access: 'team' },
    schema: { response: { 200: ApiKeys, ...ErrorResponses }, summary: 'API keys (never the keys themselves), with their last use' },
  }, async () => ({ keys: (await hub.team.keys()).map(apiKeyOut) }));

  app.post('/api-keys', {
    config: { access: 'team' },
    schema: { body: CreateApiKey, response: { 201: ApiKeyWithToken, ...ErrorResponses }, summary: 'A new API key with a role; the key is in this answer only' },
  }, async (request, reply) => {
    const { key, token } = await hub.team.createKey(request.body.name, request.body.role, actorOf(request));
    return reply.status(201).send({ ...apiKeyOut(key), token });
  });

  app.post('/api-keys/:id/rotate', {
    config: { access: 'team' },
    schema: { params: IdParams, response: { 200: ApiKeyWithToken, ...ErrorResponses }, summary: 'A new key for the same name and role (shown only here); the old one stops at once' },
  }, async (request) => {
    const { key, token } = await hub.team.rotateKey(request.params.id, actorOf(request));
    return { ...apiKeyOut(key), token };
  });

  app.post('/api-keys/:id/revoke', {
    config: { access: 'team' },
    schema: { params: IdParams, response: { 200: ApiKey, ...ErrorResponses }, summary: 'Revokes the key for good (its name stays taken, so the trail\'s name means one key)' },
  }, async (request) => apiKeyOut(await hub.team.revokeKey(request.params.id, actorOf(request))));
}
