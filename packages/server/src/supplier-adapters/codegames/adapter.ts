/**
 * CodeGames API-HUB as a supplier: check the price, pay with our own txn id, and on anything but
 * a clear answer let the worker run the spec's status-check queue (status, by default 100 times,
 * 2 minutes apart). Classification follows the spec: a 5xx, timeout or unreadable answer to `pay`
 * is unknown, never final; TXN_NOT_FOUND and TXN_CANCELED from `status` are final. Its catalog
 * is a `check` of each product id the operator lists (catalog.ts).
 */
import { CodeGamesClient, TransportError } from '@dropgate/sdk';
import type { PlaceRequest, StatusRequest, SupplierAdapter, SupplierConfig, SupplierOutcome } from '../../modules/suppliers/index.ts';
import { minorFromNumber } from '../../platform/money.ts';
import { checkedCatalog } from './catalog.ts';

const FINAL_PAY_STATUSES = new Set(['WRONG_PRICE', 'PRODUCT_NOT_FOUND', 'PRODUCT_OUT_OF_STOCK', 'INSUFFICIENT_BALANCE']);
const FINAL_STATUS_STATUSES = new Set(['TXN_NOT_FOUND', 'TXN_CANCELED']);

export function codeGamesAdapter(config: SupplierConfig): SupplierAdapter {
  const client = new CodeGamesClient({ baseUrl: config.baseUrl, token: config.token ?? undefined, timeoutMs: config.timeoutMs });

  return {
    async place(request: PlaceRequest): Promise<SupplierOutcome> {
      const productId = Number(request.productId);
      if (!Number.isSafeInteger(productId)) return { kind: 'failed', reason: `product id "${request.productId}" is not a CodeGames id` };
      let check;
      try {
        check = await client.check(productId);
      } catch (error) {
        // check has no side effect upstream: nothing was bought, so failing over is safe.
        return { kind: 'failed', reason: `check failed: ${describe(error)}` };
      }
      if (check.status !== 'OK' || !check.product) return { kind: 'failed', reason: `check answered ${check.status}` };
      const partnerPrice = minorFromNumber(check.product.partner_price);
      if (partnerPrice === undefined || partnerPrice > request.cost) {
        return { kind: 'failed', reason: `partner price ${check.product.partner_price} is above the agreed cost` };
      }
      try {
        const paid = await client.pay({ productId, price: check.product.price, txnId: request.supplierTxnId });
        if (paid.status === 'OK') return { kind: 'delivered', key: paid.product?.productKey ?? null, upstreamRef: paid.partner_txn_id ?? null };
        if (FINAL_PAY_STATUSES.has(paid.status)) return { kind: 'failed', reason: `pay answered ${paid.status}` };
        // TXN_DUPLICATE: an earlier attempt of ours may have paid; the status queue finds out.
        return { kind: 'unknown', reason: `pay answered ${paid.status}` };
      } catch (error) {
        return { kind: 'unknown', reason: `pay: ${describe(error)}` };
      }
    },

    async checkStatus(request: StatusRequest): Promise<SupplierOutcome> {
      try {
        const status = await client.status(request.supplierTxnId);
        if (status.status === 'OK') return { kind: 'delivered', key: status.product?.productKey ?? null, upstreamRef: status.partner_txn_id ?? null };
        if (FINAL_STATUS_STATUSES.has(status.status)) return { kind: 'failed', reason: `status answered ${status.status}` };
        return { kind: 'unknown', reason: `status answered ${status.status}` };
      } catch (error) {
        return { kind: 'unknown', reason: `status: ${describe(error)}` };
      }
    },

    catalog: () => checkedCatalog(client, config.catalogProductIds ?? []),
  };
}

function describe(error: unknown): string {
  return error instanceof TransportError ? `${error.kind}${error.httpStatus ? ` ${error.httpStatus}` : ''}` : (error as Error).message;
}
