import {
  Balances, CreatedShop, CreateMerchant, CreateShop, Deposit, Deposited, ErrorResponses, IdParams, Merchant, MerchantDetail, Merchants, ShopToken,
} from '@dropgate/contract';
import { actorOf } from '../../access-control/index.ts';
import type { Hub } from '../../hub.ts';
import { formatMoney, moneyFromDecimal } from '../../platform/money.ts';
import type { TypedApp } from '../../platform/http/typed-app.ts';
import { entryOut } from '../present.ts';

export function merchantRoutes(app: TypedApp, hub: Hub): void {
  app.post('/merchants', {
    config: { access: 'merchants' },
    schema: { body: CreateMerchant, response: { 201: Merchant, ...ErrorResponses }, summary: 'Creates a merchant with an empty USD account' },
  }, async (request, reply) => {
    const merchant = await hub.merchants.create(request.body.name, actorOf(request));
    return reply.status(201).send({ id: merchant.id, name: merchant.name, createdAt: merchant.createdAt.toISOString() });
  });

  app.get('/merchants', { config: { access: 'read' }, schema: { response: { 200: Merchants, ...ErrorResponses }, summary: 'All merchants' } }, async () => {
    const merchants = await hub.merchants.list();
    return { merchants: merchants.map((m) => ({ id: m.id, name: m.name, createdAt: m.createdAt.toISOString() })) };
  });

  app.get('/merchants/:id', {
    config: { access: 'read' },
    schema: { params: IdParams, response: { 200: MerchantDetail, ...ErrorResponses }, summary: 'A merchant with balance, draft balance and shops' },
  }, async (request) => {
    const merchant = await hub.merchants.get(request.params.id);
    const [{ balance, held }, shops] = await Promise.all([hub.orders.funds(merchant.id), hub.merchants.shops(merchant.id)]);
    return {
      id: merchant.id,
      name: merchant.name,
      balance: formatMoney(balance),
      draftBalance: formatMoney(held),
      shops: shops.map((s) => ({ id: s.id, name: s.name, tokenRotatedAt: s.tokenRotatedAt.toISOString() })),
      createdAt: merchant.createdAt.toISOString(),
    };
  });

  app.get('/balances', { config: { access: 'read' }, schema: { response: { 200: Balances, ...ErrorResponses }, summary: "Every merchant's balance" } }, async () => ({
    balances: (await hub.ledger.allBalances()).map((b) => ({ merchantId: b.merchantId, balance: formatMoney(b.balance) })),
  }));

  app.post('/merchants/:id/deposits', {
    config: { access: 'deposits' },
    schema: { params: IdParams, body: Deposit, response: { 201: Deposited, ...ErrorResponses }, summary: 'Credits the merchant (a DEPOSIT entry)' },
  }, async (request, reply) => {
    const amount = moneyFromDecimal(request.body.amount, 'amount');
    const entry = await hub.ledger.deposit(request.params.id, amount, request.body.description, actorOf(request));
    return reply.status(201).send({ merchantId: request.params.id, balance: formatMoney(entry.balanceAfter), entry: entryOut(entry) });
  });

  app.post('/shops', {
    config: { access: 'merchants' },
    schema: { body: CreateShop, response: { 201: CreatedShop, ...ErrorResponses }, summary: 'Creates a shop; its token is in this answer only' },
  }, async (request, reply) => {
    const { shop, token } = await hub.merchants.createShop(request.body.merchantId, request.body.name, actorOf(request));
    return reply.status(201).send({ id: shop.id, merchantId: shop.merchantId, name: shop.name, token });
  });

  app.post('/shops/:id/rotate-token', {
    config: { access: 'merchants' },
    schema: { params: IdParams, response: { 200: ShopToken, ...ErrorResponses }, summary: 'New token for the shop; the old one stops working at once' },
  }, async (request) => {
    return { id: request.params.id, token: await hub.merchants.rotateToken(request.params.id, actorOf(request)) };
  });
}
