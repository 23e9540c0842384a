/**
 * A CodeGames API-HUB upstream: POST /check, /pay, /status exactly as the spec writes them
 * (JSON bodies, status strings, the spec's Russian comments), with its own catalog and keys.
 * State is in memory and bounded; keys are never logged.
 */
import { randomInt } from 'node:crypto';
import {
  CodeGamesCheckRequest,
  CodeGamesPayRequest,
  CodeGamesStatusRequest,
  type CodeGamesCheckResponse,
  type CodeGamesPaidProduct,
  type CodeGamesPayResponse,
  type CodeGamesStatusResponse,
} from '@dropgate/contract';
import type { Static, TSchema } from '@sinclair/typebox';
import { BoundedMap } from '../bounded-map.ts';
import { answerThrough, assertFault, FaultTable } from '../faults.ts';
import { startJsonServer, type Answer, type Exchange, type ListenOptions } from '../http-server.ts';
import { samePrice } from '../prices.ts';
import { CatalogScript, type ScriptProgress, type ScriptStep } from '../catalog-script.ts';
import { CodeGamesCatalog, DEFAULT_CODEGAMES_PRODUCTS, type CodeGamesProduct, type CodeGamesProductChange, type CodeGamesProductOptions } from './catalog.ts';
import { CODEGAMES_FAULT_KINDS, type CodeGamesFault } from './faults.ts';
import { checkBody } from '../validate.ts';

export interface CodeGamesSimulatorOptions extends ListenOptions {
  /** When set, every call must carry it raw in Authorization (else 401). */
  token?: string;
  /** Default: the spec's PSN card (1234567890) and a Steam card (1234567891), 100 keys each. */
  products?: CodeGamesProductOptions[];
  /** Payments remembered; past this the oldest are forgotten (their status becomes TXN_NOT_FOUND). Default 10 000. */
  maxPayments?: number;
  /**
   * After the products above, a generated catalog of this many products (ids from 2000000001),
   * the same for the same count and computed when read. Default 0.
   */
  generatedProducts?: number;
  /** Scripted catalog changes, one step at a time: step() (or POST /_simulator/script/step), or every scriptEveryMs. */
  script?: ReadonlyArray<ScriptStep<CodeGamesProductChange>>;
  scriptEveryMs?: number;
}

export interface CodeGamesPaymentRecord {
  txnId: string;
  partnerTxnId: string;
  productId: number;
  price: number;
  /** OK: paid (a key was taken). CANCELED: recorded by the `canceled` fault. */
  state: 'OK' | 'CANCELED';
  productKey: string | undefined;
  createdAt: Date;
}

export interface CodeGamesCatalogEntry {
  id: number;
  name: string;
  price: number;
  partnerPrice: number;
  keysLeft: number;
}

export interface CodeGamesSimulator {
  url: string;
  /** Requests received per endpoint, faulted ones included. */
  readonly calls: { check: number; pay: number; status: number };
  /** Sets (or with null clears) the fault of one product, or of all: a product's own fault wins. */
  setFault(target: number | 'all', fault: CodeGamesFault | null): void;
  /** Clears every fault: the per-product ones and the one for all. */
  clearFaults(): void;
  payments(): CodeGamesPaymentRecord[];
  catalog(): CodeGamesCatalogEntry[];
  /** Scripts a change of a product (prices, stock, listed or not): upstream moves for tests. */
  changeProduct(id: number, change: CodeGamesProductChange): void;
  /** Applies the next step of the script given as `script`. */
  step(): ScriptProgress;
  stop(): Promise<void>;
}

interface Payment extends CodeGamesPaymentRecord {
  /** Set by ok-without-key: OK answers never show the product. */
  hideKey: boolean;
  /** Set by pay-fails-then-ok: how many more status calls answer 5xx before OK. */
  failingStatusCalls: number;
}

const COMMENTS = {
  checkOk: 'Проверка прошла успешно, продолжайте оплату',
  payOk: 'Оплата прошла успешно',
  notFound: 'Продукт не найден',
  outOfStock: 'Продукт закончился',
  duplicate: 'Дубликат транзакции',
  wrongPrice: 'Переданная сумма не соответствует цене',
  txnNotFound: 'Транзакция не найдена',
  txnCanceled: 'Транзакция отменена',
};

export async function startCodeGamesSimulator(options: CodeGamesSimulatorOptions = {}): Promise<CodeGamesSimulator> {
  const catalog = new CodeGamesCatalog(options.products ?? DEFAULT_CODEGAMES_PRODUCTS, options.generatedProducts);
  const script = new CatalogScript(options.script ?? [], { has: (id) => catalog.has(id), apply: (id, change) => catalog.change(id, change) }, options.scriptEveryMs);
  const payments = new BoundedMap<string, Payment>(options.maxPayments ?? 10_000);
  const faults = new FaultTable<CodeGamesFault>();
  const calls = { check: 0, pay: 0, status: 0 };
  let partnerTxnSequence = randomInt(1_000_000_000, 9_000_000_000);

  const server = await startJsonServer(options, (exchange) => {
    const endpoint = exchange.path.replace(/^\/+/, '');
    if (endpoint === '_simulator/script/step' && exchange.method === 'POST') {
      if (options.token !== undefined && exchange.authorization !== options.token) return exchange.send({ status: 401, text: 'Unauthorized' });
      return exchange.send(ok(script.step()));
    }
    if (endpoint !== 'check' && endpoint !== 'pay' && endpoint !== 'status') return exchange.send({ status: 404, text: 'Not Found' });
    if (exchange.method !== 'POST') return exchange.send({ status: 405, text: 'Method Not Allowed' });
    calls[endpoint] += 1;
    if (options.token !== undefined && exchange.authorization !== options.token) return exchange.send({ status: 401, text: 'Unauthorized' });
    if (endpoint === 'check') return handleCheck(exchange);
    if (endpoint === 'pay') return handlePay(exchange);
    return handleStatus(exchange);
  });

  function handleCheck(exchange: Exchange): void {
    const request = validRequest(exchange, CodeGamesCheckRequest);
    if (!request) return;
    const fault = faults.for(request.product_id);
    answerThrough(server, exchange, fault, () => {
      const product = catalog.get(request.product_id);
      if (!product) return ok<CodeGamesCheckResponse>({ status: 'PRODUCT_NOT_FOUND', comment: COMMENTS.notFound });
      if (fault?.kind === 'out-of-stock' || product.stock.remaining === 0) {
        return ok<CodeGamesCheckResponse>({ status: 'PRODUCT_OUT_OF_STOCK', comment: COMMENTS.outOfStock });
      }
      return ok<CodeGamesCheckResponse>({
        status: 'OK',
        comment: COMMENTS.checkOk,
        product: {
          id: product.id,
          name: product.name,
          ...(product.shortDescription !== undefined && { shortDescription: product.shortDescription }),
          price: product.price,
          partner_price: product.partnerPrice,
          addInfo: {},
        },
      });
    });
  }

  function handlePay(exchange: Exchange): void {
    const request = validRequest(exchange, CodeGamesPayRequest);
    if (!request) return;
    const fault = faults.for(request.product_id);
    answerThrough(server, exchange, fault, () => {
      const refuse = (status: Exclude<CodeGamesPayResponse['status'], 'OK'>, comment: string) => ok<CodeGamesPayResponse>({ status, comment });
      if (payments.has(request.txn_id)) return refuse('TXN_DUPLICATE', COMMENTS.duplicate);
      const product = catalog.get(request.product_id);
      if (!product) return refuse('PRODUCT_NOT_FOUND', COMMENTS.notFound);
      if (fault?.kind === 'duplicate') return refuse('TXN_DUPLICATE', COMMENTS.duplicate);
      if (fault?.kind === 'out-of-stock') return refuse('PRODUCT_OUT_OF_STOCK', COMMENTS.outOfStock);
      if (fault?.kind === 'wrong-price' || !samePrice(request.price, product.price)) return refuse('WRONG_PRICE', COMMENTS.wrongPrice);

      const canceled = fault?.kind === 'canceled';
      const productKey = canceled ? undefined : product.stock.take();
      if (!canceled && productKey === undefined) return refuse('PRODUCT_OUT_OF_STOCK', COMMENTS.outOfStock);
      partnerTxnSequence += 1;
      const payment: Payment = {
        txnId: request.txn_id,
        partnerTxnId: `W${partnerTxnSequence}`,
        productId: product.id,
        price: request.price,
        state: canceled ? 'CANCELED' : 'OK',
        productKey,
        createdAt: new Date(),
        hideKey: fault?.kind === 'ok-without-key',
        failingStatusCalls: fault?.kind === 'pay-fails-then-ok' ? fault.okAfterStatusCalls : 0,
      };
      payments.set(payment.txnId, payment);
      // Both are "the payment happened (or was canceled), but the answer was lost".
      if (fault?.kind === 'pay-fails-then-ok' || canceled) return { status: 500, text: 'Internal Server Error' };
      return ok<CodeGamesPayResponse>({
        partner_txn_id: payment.partnerTxnId,
        status: 'OK',
        comment: COMMENTS.payOk,
        ...(!payment.hideKey && { product: paidProduct(product, payment) }),
      });
    });
  }

  function handleStatus(exchange: Exchange): void {
    const request = validRequest(exchange, CodeGamesStatusRequest);
    if (!request) return;
    const known = payments.get(request.txn_id);
    const fault = faults.for(known?.productId);
    answerThrough(server, exchange, fault, () => {
      const payment = payments.get(request.txn_id);
      if (!payment) return ok<CodeGamesStatusResponse>({ status: 'TXN_NOT_FOUND', comment: COMMENTS.txnNotFound });
      if (payment.failingStatusCalls > 0) {
        payment.failingStatusCalls -= 1;
        return { status: 503, text: 'Service Unavailable' };
      }
      if (payment.state === 'CANCELED') {
        return ok<CodeGamesStatusResponse>({ partner_txn_id: payment.partnerTxnId, status: 'TXN_CANCELED', comment: COMMENTS.txnCanceled });
      }
      const product = catalog.find(payment.productId)!;
      return ok<CodeGamesStatusResponse>({
        partner_txn_id: payment.partnerTxnId,
        status: 'OK',
        comment: COMMENTS.payOk,
        ...(!payment.hideKey && { product: paidProduct(product, payment) }),
      });
    });
  }

  return {
    url: server.url,
    calls,
    setFault(target, fault) {
      if (target !== 'all' && !catalog.has(target)) throw new TypeError(`setFault: no product ${target} in this simulator`);
      if (fault !== null) assertFault(fault, CODEGAMES_FAULT_KINDS);
      faults.set(target, fault);
    },
    clearFaults: () => faults.clear(),
    payments: () => [...payments.values()].map(({ hideKey: _hide, failingStatusCalls: _failing, ...record }) => ({ ...record })),
    catalog: () =>
      Array.from(catalog.listed(), (p) => ({ id: p.id, name: p.name, price: p.price, partnerPrice: p.partnerPrice, keysLeft: p.stock.remaining })),
    changeProduct: (id, change) => catalog.change(id, change),
    step: () => script.step(),
    stop() {
      script.stop();
      return server.stop();
    },
  };
}

function paidProduct(product: CodeGamesProduct, payment: Payment): CodeGamesPaidProduct {
  return {
    id: product.id,
    name: product.name,
    ...(product.shortDescription !== undefined && { shortDescription: product.shortDescription }),
    price: product.price,
    productKey: payment.productKey!,
    addInfo: {},
  };
}

function ok<T>(body: T): Answer {
  return { status: 200, json: body };
}

/** The body as the contract's request type, or a 400 already sent (the spec has no error shape: a comment says why). */
function validRequest<T extends TSchema>(exchange: Exchange, schema: T): Static<T> | undefined {
  const checked = checkBody(schema, exchange.body);
  if (checked.ok) return checked.value;
  exchange.send({ status: 400, json: { comment: checked.problem } });
  return undefined;
}
