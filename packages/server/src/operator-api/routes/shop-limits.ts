import { ErrorResponses, IdParams, ShopLimits, ShopLimitsChange } from '@dropgate/contract';
import { actorOf } from '../../access-control/index.ts';
import type { Hub } from '../../hub.ts';
import type { TypedApp } from '../../platform/http/typed-app.ts';
import { shopLimitsOut } from '../present.ts';

/** A shop's rate limit and IP allowlist on the merchant APIs. */
export function shopLimitRoutes(app: TypedApp, hub: Hub): void {
  app.get('/shops/:id/limits', {
    config: { access: 'read' },
    schema: { params: IdParams, response: { 200: ShopLimits, ...ErrorResponses }, summary: "The shop's rate limit and IP allowlist" },
  }, async (request) => shopLimitsOut(await hub.shopLimits.get(request.params.id)));

  app.put('/shops/:id/limits', {
    config: { access: 'merchants' },
    schema: {
      params: IdParams, body: ShopLimitsChange, response: { 200: ShopLimits, ...ErrorResponses },
      summary: "Sets the shop's rate limit and/or IP allowlist (what is not sent stays); every instance applies it within milliseconds",
    },
  }, async (request) => shopLimitsOut(await hub.shopLimits.set(request.params.id, request.body, actorOf(request))));
}
