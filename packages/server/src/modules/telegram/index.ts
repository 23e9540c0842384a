/**
 * Telegram: Telegram Stars (offers telegram_stars_<N>, priced live from the TON/USD rate and
 * delivered by the stars provider through the fulfilment worker) and the hub's bot, whose users
 * answer the user-info call. See docs/telegram-stars.md.
 */
export { STARS_OFFER_ID, LISTED_STARS_AMOUNTS, parseStarsOfferId, starsOfferId } from './offer-id.ts';
export { basisPoints, priceTolerance, starsCost, starsPrice } from './pricing.ts';
export { TonRate, type RateReading, type TonRateOptions } from './ton-rate.ts';
export { TelegramStars, type StarsPricing, type StarsQuote } from './stars.ts';
export { isTelegramUserId } from './user-id.ts';
export { TelegramUsers } from './user-info.ts';
export { TelegramBot, type TelegramBotOptions } from './bot.ts';
