import { CodeGamesErrorResponses, CodeGamesStatusRequest, CodeGamesStatusResponse } from '@dropgate/contract';
import type { Hub } from '../../../hub.ts';
import type { TypedApp } from '../../../platform/http/typed-app.ts';
import { shopOf } from '../../shop-auth.ts';
import { paidProductOut } from '../present.ts';
import { COMMENTS, pending } from '../statuses.ts';
import { codeGamesRoute } from './common.ts';

export function statusRoute(app: TypedApp, hub: Hub): void {
  app.post('/api/codegames/status', {
    schema: {
      ...codeGamesRoute,
      summary: 'A payment by your txn_id: OK (with the key), TXN_CANCELED, TXN_NOT_FOUND; 503 PENDING until known', body: CodeGamesStatusRequest,
      response: { 200: CodeGamesStatusResponse, ...CodeGamesErrorResponses },
    },
  }, async (request, reply) => {
    const order = await hub.orders.forShop(shopOf(request), { transactionId: request.body.txn_id });
    const partnerTxnId = String(order.orderId);
    switch (order.status) {
      case 'COMPLETED':
        return { partner_txn_id: partnerTxnId, status: 'OK', comment: COMMENTS.payOk, product: paidProductOut(order) };
      case 'CANCELED':
      case 'REFUND':
        return { partner_txn_id: partnerTxnId, status: 'TXN_CANCELED', comment: COMMENTS.TXN_CANCELED };
      default: {
        const answer = pending(order.orderId);
        return reply.status(answer.httpStatus).send(answer.body);
      }
    }
  });
}
