import { TransactionsQuery, TransactionsResponse } from '@dropgate/contract';
import type { Hub } from '../../../hub.ts';
import { shopOf } from '../../shop-auth.ts';
import { entryToWire } from '../present.ts';
import type { TypedApp } from '../../../platform/http/typed-app.ts';
import { errorResponses, partnerRoute } from './common.ts';

export function transactionsRoute(app: TypedApp, hub: Hub): void {
  app.get('/api/v1/balance/transactions', {
    schema: { ...partnerRoute, summary: 'Ledger entries, newest first', querystring: TransactionsQuery, response: { 200: TransactionsResponse, ...errorResponses } },
    config: { unavailableCode: 'BALANCE_UNAVAILABLE' },
  }, async (request) => {
    const { page = 1, limit = 20 } = request.query;
    const { entries, total } = await hub.ledger.entries(shopOf(request).merchantId, { page, limit });
    return { transactions: entries.map(entryToWire), total };
  });
}
