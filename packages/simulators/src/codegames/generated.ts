/**
 * The generated catalog (`generatedProducts: N`): product i is a pure function of i, so the same
 * N always makes the same catalog and nothing is stored for it until it is bought or changed.
 * Names cycle through a few cards and denominations; prices are whole roubles, the partner price
 * 8 % under.
 */
import type { CodeGamesProductOptions } from './catalog.ts';

/** Generated product i has id GENERATED_FIRST_ID + i. */
export const GENERATED_FIRST_ID = 2_000_000_001;

const CARDS = ['PSN USA', 'Steam Wallet', 'Xbox Gift Card', 'Nintendo eShop', 'Google Play', 'App Store', 'Razer Gold'];
const DENOMINATIONS = [5, 10, 20, 25, 50, 100];

export function generatedProduct(index: number): Required<Omit<CodeGamesProductOptions, 'keys' | 'shortDescription'>> {
  const card = CARDS[index % CARDS.length]!;
  const denomination = DENOMINATIONS[Math.floor(index / CARDS.length) % DENOMINATIONS.length]!;
  // 100 to 99,999 roubles; the partner price 8 % under, to the kopeck.
  const price = ((index * 7919) % 99_900) + 100;
  return {
    id: GENERATED_FIRST_ID + index,
    name: `${card} ${denomination} USD #${Math.floor(index / (CARDS.length * DENOMINATIONS.length)) + 1}`,
    price,
    partnerPrice: Math.round(price * 92) / 100,
  };
}
