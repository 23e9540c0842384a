/**
 * The generated catalog (`generatedOffers: N`): offer i is a pure function of i, so the same N
 * always makes the same catalog, and nothing is stored for it. Five offers (denominations) per
 * product; products cycle through a few games, categories, currencies, platforms and regions.
 */
import { CURRENCIES } from '@dropgate/contract';
import type { GamesDropOfferFields } from './catalog.ts';

/** Generated offer i has id GENERATED_FIRST_ID + i, product GENERATED_FIRST_ID + ⌊i / 5⌋. */
export const GENERATED_FIRST_ID = 1_000_001;

const OFFERS_PER_PRODUCT = 5;
const GAMES = ['PUBG MOBILE', 'Free Fire', 'Mobile Legends', 'Genshin Impact', 'Blood Strike', 'Steam Wallet', 'PlayStation Store', 'Likee'];
const CATEGORIES = ['Top Up', 'Gift Card', 'Game Key'];
const DENOMINATIONS = ['60', '325', '660', '1800', '3850'];
const PLATFORMS: Array<[string | null, string | null]> = [['mobile', 'Mobile'], ['steam', 'Steam'], ['psn', 'PlayStation Network'], [null, null]];
const REGIONS: Array<[string, string]> = [['GLB', 'Global'], ['US', 'United States'], ['EU', 'Europe'], ['TR', 'Turkey'], ['KZ', 'Kazakhstan']];
/** Every tenth product is not sold to these; every fiftieth asks for a game server. */
const EXCLUDED = ['BY', 'RU'];
const SERVERS = { 2010: 'Asia', 2011: 'Europe', 2012: 'North America' };

export function generatedOffer(index: number): GamesDropOfferFields {
  const product = Math.floor(index / OFFERS_PER_PRODUCT);
  const denomination = index % OFFERS_PER_PRODUCT;
  const [platformCode, platformName] = PLATFORMS[product % PLATFORMS.length]!;
  const [regionCode, regionName] = REGIONS[product % REGIONS.length]!;
  return {
    offerId: GENERATED_FIRST_ID + index,
    productId: GENERATED_FIRST_ID + product,
    productName: `${GAMES[product % GAMES.length]} ${Math.floor(product / GAMES.length) + 1}`,
    offerName: `${DENOMINATIONS[denomination]} units`,
    // 1.00 to 99.99, in cents first so the price has exactly two decimals.
    price: (((product * 7919 + denomination * 104_729) % 9900) + 100) / 100,
    currency: CURRENCIES[product % CURRENCIES.length]!,
    category: CATEGORIES[product % CATEGORIES.length]!,
    platformCode,
    platformName,
    regionCode,
    regionName,
    regionalLimitations: null,
    excludedCountryCodes: product % 10 === 0 ? [...EXCLUDED] : [],
    servers: product % 50 === 0 ? { ...SERVERS } : {},
  };
}
