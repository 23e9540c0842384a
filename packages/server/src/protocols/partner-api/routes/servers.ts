import { ServersRequest, ServersResponse } from '@dropgate/contract';
import type { Hub } from '../../../hub.ts';
import type { TypedApp } from '../../../platform/http/typed-app.ts';
import { shopOf } from '../../shop-auth.ts';
import { errorResponses, partnerRoute } from './common.ts';

/**
 * The game servers of an offer, as the live service answers them: {"<serverId>": "<name>"}, {}
 * for none. A Python client calls it at /api/v1/offers/servers (docs/compatibility.md).
 */
export function serversRoute(app: TypedApp, hub: Hub): void {
  for (const path of ['/api/v1/partner/product-offer/servers', '/api/v1/offers/servers']) {
    app.post(path, {
      schema: {
        ...partnerRoute,
        summary: "An offer's game servers: id to name ({} when it has none); create-order's gameServerId must be one of them",
        body: ServersRequest,
        response: { 200: ServersResponse, ...errorResponses },
      },
    }, async (request) => hub.checkout.servers(shopOf(request), request.body.offerId));
  }
}
