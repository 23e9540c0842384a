import { CodeGamesErrorResponses, CodeGamesPayRequest, CodeGamesPayResponse } from '@dropgate/contract';
import type { Hub } from '../../../hub.ts';
import type { TypedApp } from '../../../platform/http/typed-app.ts';
import { moneyFromWire } from '../../../platform/money.ts';
import { shopOf } from '../../shop-auth.ts';
import { paidProductOut } from '../present.ts';
import { COMMENTS, pending } from '../statuses.ts';
import { codeGamesRoute } from './common.ts';

export function payRoute(app: TypedApp, hub: Hub): void {
  app.post('/api/codegames/pay', {
    schema: {
      ...codeGamesRoute,
      summary: 'Pays for the product: checks price exactly, debits the partner price; 503 PENDING while a supplier works',
      body: CodeGamesPayRequest,
      response: { 200: CodeGamesPayResponse, ...CodeGamesErrorResponses },
    },
  }, async (request, reply) => {
    const { product_id, price, txn_id } = request.body;
    const purchase = { offerId: product_id, price: moneyFromWire(price, 'price'), transactionId: txn_id, customer: undefined };
    const order = await hub.checkout.createOrder(shopOf(request), purchase, 'codegames');
    if (order.status === 'PROCESSING') {
      const answer = pending(order.orderId);
      return reply.status(answer.httpStatus).send(answer.body);
    }
    if (order.status !== 'COMPLETED') {
      // Every source failed: the order is canceled and the merchant already refunded.
      return { partner_txn_id: String(order.orderId), status: 'PRODUCT_OUT_OF_STOCK', comment: COMMENTS.PRODUCT_OUT_OF_STOCK };
    }
    return { partner_txn_id: String(order.orderId), status: 'OK', comment: COMMENTS.payOk, product: paidProductOut(order) };
  });
}
