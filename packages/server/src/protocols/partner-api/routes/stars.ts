import type { Hub } from '../../../hub.ts';
import type { TelegramStars } from '../../../modules/telegram/index.ts';
import { AppError } from '../../../platform/errors.ts';

/** Telegram Stars as configured, or OFFER_NOT_FOUND: a hub without a stars provider sells none. */
export function enabledStars(hub: Hub, offerId: string): TelegramStars {
  if (!hub.stars) throw new AppError('OFFER_NOT_FOUND', `Offer ${offerId} not found: this hub does not sell Telegram Stars`);
  return hub.stars;
}
