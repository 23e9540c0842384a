import { SYNC_MAX_LIMIT, SyncRequest, SyncResponse } from '@dropgate/contract';
import type { Hub } from '../../../hub.ts';
import type { TypedApp } from '../../../platform/http/typed-app.ts';
import { shopOf } from '../../shop-auth.ts';
import { syncRowToWire } from '../present.ts';
import { errorResponses, partnerRoute } from './common.ts';

/** The catalog feed a reseller imports from: every offer this shop may buy, page by page. */
export function syncRoute(app: TypedApp, hub: Hub): void {
  app.post('/api/v1/offers/sync', {
    schema: {
      ...partnerRoute,
      summary: 'The catalog this shop may buy, by page (offer id order), with the count for the filters; updatedSince: only what changed',
      body: SyncRequest,
      response: { 200: SyncResponse, ...errorResponses },
    },
  }, async (request) => {
    const { page = 1, limit = SYNC_MAX_LIMIT, category, search, countryCode, updatedSince } = request.body ?? {};
    const query = { page, limit, category, search, updatedSince: updatedSince === undefined ? undefined : new Date(updatedSince) };
    const { count, offers } = await hub.checkout.feed(shopOf(request), query, countryCode);
    return { count, rows: offers.map(syncRowToWire) };
  });
}
