import { ErrorResponses, TelegramStarsStatus } from '@dropgate/contract';
import type { Hub } from '../../hub.ts';
import { LISTED_STARS_AMOUNTS, starsOfferId, starsPrice } from '../../modules/telegram/index.ts';
import type { TypedApp } from '../../platform/http/typed-app.ts';
import { formatMoney } from '../../platform/money.ts';

export function telegramRoutes(app: TypedApp, hub: Hub): void {
  app.get('/telegram/stars', {
    config: { access: 'read' },
    schema: {
      response: { 200: TelegramStarsStatus, ...ErrorResponses },
      summary: 'Telegram Stars: whether they are sold, the TON/USD rate in use, and the listed offers at their current price',
    },
  }, async (): Promise<TelegramStarsStatus> => {
    const stars = hub.stars;
    if (!stars) return { enabled: false, bot: hub.telegramBot?.mode ?? null, rate: null, offers: [] };
    const rate = await stars.rate.current();
    return {
      enabled: true,
      bot: hub.telegramBot?.mode ?? null,
      // Percentages from basis points: 150 → "1.50".
      marginPercent: formatMoney(stars.pricing.marginBp),
      tolerancePercent: formatMoney(stars.pricing.toleranceBp),
      rate: rate ? { usdPerTon: rate.usdPerTon, source: rate.source, fetchedAt: rate.fetchedAt?.toISOString() ?? null } : null,
      offers: LISTED_STARS_AMOUNTS.map((amount) => ({
        offerId: starsOfferId(amount),
        price: rate ? formatMoney(starsPrice(amount, rate.usdPerTon, stars.pricing.marginBp)) : null,
        currency: 'USD' as const,
      })),
    };
  });
}
