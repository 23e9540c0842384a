/**
 * Telegram Stars on the wire: the `telegram_stars_<N>` offer ids, the `fulfillmentData` of a
 * Stars order and the user-info call, exactly as the spec's Telegram Stars section writes them
 * (snake_case inside fulfillmentData and userInfo, as there). Also the stars provider's API:
 * Dropgate defines it (the spec names no provider), and its simulator serves it.
 */
import { Type, type Static } from '@sinclair/typebox';

/** The smallest and largest number of stars one order may send (the spec's limits). */
export const STARS_MIN = 1;
export const STARS_MAX = 2500;

/**
 * A Telegram Stars offer id as a merchant sends it. The schema only recognises the prefix: the
 * hub parses the rest and answers a malformed one (telegram_stars_abc) with a sentence of its own.
 */
export const StarsOfferId = Type.String({
  pattern: '^telegram_stars_',
  maxLength: 64,
  description: `Telegram Stars: "telegram_stars_<N>", N stars from ${STARS_MIN} to ${STARS_MAX}`,
});

/** What a Stars order delivered, or why not: the spec's two examples. */
export const StarsFulfillmentData = Type.Object({
  telegram_user_id: Type.Integer(),
  stars_amount: Type.Integer(),
  transaction_id: Type.Optional(Type.String({ description: "The provider's transfer id (delivered)" })),
  delivery_status: Type.Union([Type.Literal('completed'), Type.Literal('failed')]),
  error_message: Type.Optional(Type.String({ description: 'Why the delivery failed, e.g. "user not found"' })),
}, { title: 'StarsFulfillmentData' });
export type StarsFulfillmentData = Static<typeof StarsFulfillmentData>;

// ---- POST /api/aggregator/a6/telegram/user-info ----
export const TelegramUserInfoRequest = Type.Object(
  { username: Type.String({ minLength: 1, maxLength: 64, description: 'A Telegram username, with or without @, or a numeric user id' }) },
  { additionalProperties: true, title: 'TelegramUserInfoRequest' },
);
export type TelegramUserInfoRequest = Static<typeof TelegramUserInfoRequest>;

export const TelegramUserInfoResponse = Type.Object({
  valid: Type.Boolean(),
  username: Type.String({ description: 'The username without @' }),
  userInfo: Type.Optional(Type.Object({
    id: Type.Optional(Type.Integer({ description: 'The user id for orders, when known' })),
    first_name: Type.String(),
    username: Type.Optional(Type.String()),
    photo_url: Type.Optional(Type.String({ description: "The profile photo's Bot API file id, when the user has one" })),
  })),
  message: Type.String(),
}, { title: 'TelegramUserInfoResponse' });
export type TelegramUserInfoResponse = Static<typeof TelegramUserInfoResponse>;

// ---- the stars provider's API (POST /v1/transfers) ----
/** One transfer of stars; `request_id` is the caller's idempotency key. */
export const StarsTransferRequest = Type.Object(
  {
    request_id: Type.String({ minLength: 1, maxLength: 128 }),
    telegram_user_id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
    amount: Type.Integer({ minimum: STARS_MIN, maximum: STARS_MAX }),
  },
  { additionalProperties: false, title: 'StarsTransferRequest' },
);
export type StarsTransferRequest = Static<typeof StarsTransferRequest>;

/** The transfer as the provider records it; the same request_id always answers the same transfer. */
export const StarsTransfer = Type.Object({
  request_id: Type.String(),
  telegram_user_id: Type.Integer(),
  amount: Type.Integer(),
  status: Type.Union([Type.Literal('completed'), Type.Literal('failed'), Type.Literal('pending')]),
  transaction_id: Type.Optional(Type.String()),
  error: Type.Optional(Type.String({ description: 'failed only: "user not found", "STARGIFT_INVALID", "bot was blocked by user", …' })),
}, { title: 'StarsTransfer' });
export type StarsTransfer = Static<typeof StarsTransfer>;

/** A refusal (nothing was sent): 400, 401, 409 (request_id reused with other data), 429 (slow down). */
export const StarsProviderErrorBody = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    retry_after: Type.Optional(Type.Number({ description: 'Seconds to wait (429)' })),
  }),
}, { title: 'StarsProviderErrorBody' });
export type StarsProviderErrorBody = Static<typeof StarsProviderErrorBody>;
