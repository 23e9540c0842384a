/**
 * Webhook endpoints of a shop, their delivery log, test events and redeliveries: the operator's
 * routes (any shop), registered again by the cabinet for a merchant's own shops (`ownerOf` then
 * names the session's merchant, and another merchant's shop or endpoint is not found).
 */
import {
  CreatedWebhook, CreateWebhook, DeliveriesQuery, ErrorResponses, IdParams, RotateWebhookSecret, UpdateWebhook,
  WebhookDeliveries, WebhookEndpoint, WebhookEndpoints, WebhookQueued, WebhookSecret,
} from '@dropgate/contract';
import type { FastifyRequest } from 'fastify';
import { actorOf } from '../../access-control/index.ts';
import type { Hub } from '../../hub.ts';
import type { Permission } from '../../modules/access/index.ts';
import type { TypedApp } from '../../platform/http/typed-app.ts';
import { deliveryOut, webhookOut } from '../present-webhooks.ts';

export interface WebhookRouteAccess {
  read: Permission;
  write: Permission;
  /** The merchant whose shops the caller may name; undefined: any shop (the operator). */
  ownerOf(request: FastifyRequest): number | undefined;
}

const OPERATOR: WebhookRouteAccess = { read: 'read', write: 'merchants', ownerOf: () => undefined };

export function webhookRoutes(app: TypedApp, hub: Hub, access: WebhookRouteAccess = OPERATOR): void {
  const { read, write, ownerOf } = access;

  app.get('/shops/:id/webhooks', {
    config: { access: read },
    schema: { params: IdParams, response: { 200: WebhookEndpoints, ...ErrorResponses }, summary: "The shop's webhook endpoints" },
  }, async (request) => ({ webhooks: (await hub.webhooks.list(request.params.id, ownerOf(request))).map(webhookOut) }));

  app.post('/shops/:id/webhooks', {
    config: { access: write },
    schema: { params: IdParams, body: CreateWebhook, response: { 201: CreatedWebhook, ...ErrorResponses }, summary: 'A webhook endpoint for the shop; its secret is in this answer only' },
  }, async (request, reply) => {
    const { endpoint, secret } = await hub.webhooks.create(request.params.id, request.body, actorOf(request), ownerOf(request));
    return reply.status(201).send({ webhook: webhookOut(endpoint), secret });
  });

  app.get('/webhooks/:id', {
    config: { access: read },
    schema: { params: IdParams, response: { 200: WebhookEndpoint, ...ErrorResponses }, summary: 'A webhook endpoint' },
  }, async (request) => webhookOut(await hub.webhooks.get(request.params.id, ownerOf(request))));

  app.patch('/webhooks/:id', {
    config: { access: write },
    schema: { params: IdParams, body: UpdateWebhook, response: { 200: WebhookEndpoint, ...ErrorResponses }, summary: 'Changes a webhook endpoint; enabled: true resumes it (after a 410 too)' },
  }, async (request) => webhookOut(await hub.webhooks.update(request.params.id, request.body, actorOf(request), ownerOf(request))));

  app.post('/webhooks/:id/rotate-secret', {
    config: { access: write },
    schema: { params: IdParams, body: RotateWebhookSecret, response: { 200: WebhookSecret, ...ErrorResponses }, summary: 'A new secret (in this answer only); the old one signs too for the overlap' },
  }, async (request) => {
    const { secret, previousSecretUntil } = await hub.webhooks.rotateSecret(request.params.id, request.body.overlapSeconds, actorOf(request), ownerOf(request));
    return { id: request.params.id, secret, previousSecretUntil: previousSecretUntil?.toISOString() ?? null };
  });

  app.get('/webhooks/:id/deliveries', {
    config: { access: read },
    schema: { params: IdParams, querystring: DeliveriesQuery, response: { 200: WebhookDeliveries, ...ErrorResponses }, summary: 'The delivery log, newest first' },
  }, async (request) => ({
    deliveries: (await hub.webhooks.deliveries(request.params.id, request.query.limit ?? 50, ownerOf(request))).map(deliveryOut),
  }));

  app.post('/webhooks/:id/test', {
    config: { access: write },
    schema: { params: IdParams, response: { 202: WebhookQueued, ...ErrorResponses }, summary: 'Queues a webhook.test event to the endpoint' },
  }, async (request, reply) => reply.status(202).send(await hub.webhooks.sendTest(request.params.id, actorOf(request), ownerOf(request))));

  app.post('/webhook-deliveries/:id/redeliver', {
    config: { access: write },
    schema: { params: IdParams, response: { 202: WebhookQueued, ...ErrorResponses }, summary: "Sends the delivery's event once more (same event id)" },
  }, async (request, reply) => reply.status(202).send(await hub.webhooks.redeliver(request.params.id, actorOf(request), ownerOf(request))));
}
