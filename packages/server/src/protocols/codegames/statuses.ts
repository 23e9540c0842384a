/**
 * How the hub's outcomes read in the CodeGames protocol, which has no error object: every answer
 * is {status, comment}. Refusals are 200 with their status (the spec's examples); bad requests,
 * bad tokens and "not known yet" are HTTP errors, because a payer that sees a 5xx on pay queues
 * a status check, which is exactly what an order still in progress needs.
 */
import type { ErrorCode } from '@dropgate/contract';

/** The spec's own comments, for the statuses it names. */
export const COMMENTS = {
  checkOk: 'Проверка прошла успешно, продолжайте оплату',
  payOk: 'Оплата прошла успешно',
  PRODUCT_NOT_FOUND: 'Продукт не найден',
  PRODUCT_OUT_OF_STOCK: 'Продукт закончился',
  TXN_DUPLICATE: 'Дубликат транзакции',
  WRONG_PRICE: 'Переданная сумма не соответствует цене',
  TXN_NOT_FOUND: 'Транзакция не найдена',
  TXN_CANCELED: 'Транзакция отменена',
} as const;

export interface CodeGamesAnswer {
  httpStatus: number;
  body: { status: string; comment: string; partner_txn_id?: string };
}

/** An AppError code as this protocol answers it. */
export function answerFor(code: ErrorCode, message: string): CodeGamesAnswer {
  switch (code) {
    case 'OFFER_NOT_FOUND':
      return refusal('PRODUCT_NOT_FOUND', COMMENTS.PRODUCT_NOT_FOUND);
    case 'TRANSACTION_DUPLICATE':
      return refusal('TXN_DUPLICATE', COMMENTS.TXN_DUPLICATE);
    case 'WRONG_PRICE':
      return refusal('WRONG_PRICE', COMMENTS.WRONG_PRICE);
    case 'ORDER_NOT_FOUND':
      return refusal('TXN_NOT_FOUND', COMMENTS.TXN_NOT_FOUND);
    case 'INSUFFICIENT_BALANCE':
      return refusal('INSUFFICIENT_BALANCE', message);
    case 'INVALID_TOKEN':
      return { httpStatus: 401, body: { status: 'INVALID_TOKEN', comment: message } };
    case 'INVALID_REQUEST_BODY':
      return { httpStatus: 400, body: { status: 'INVALID_REQUEST', comment: message } };
    case 'IP_NOT_ALLOWED':
      return { httpStatus: 403, body: { status: 'IP_NOT_ALLOWED', comment: message } };
    // A 4xx, not a 5xx: nothing was paid, so the payer must not queue a status check for it.
    case 'RATE_LIMITED':
      return { httpStatus: 429, body: { status: 'RATE_LIMITED', comment: message } };
    case 'NOT_FOUND':
      return { httpStatus: 404, body: { status: 'NOT_FOUND', comment: message } };
    default:
      return { httpStatus: 503, body: { status: 'SERVICE_UNAVAILABLE', comment: message } };
  }
}

function refusal(status: string, comment: string): CodeGamesAnswer {
  return { httpStatus: 200, body: { status, comment } };
}

/** The answer for a payment still in progress upstream: a 5xx, so the payer checks its status later. */
export function pending(orderId: number): CodeGamesAnswer {
  return {
    httpStatus: 503,
    body: { status: 'PENDING', comment: 'Payment accepted and in progress: check its status later', partner_txn_id: String(orderId) },
  };
}
