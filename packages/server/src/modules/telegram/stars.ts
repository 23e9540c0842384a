/**
 * Pricing Telegram Stars: the live quote for N stars (find-one), and the terms a create-order
 * passes to place_order (the quote, the tolerance, the rate), which stays the one statement that
 * accepts an order. A quote is computed per request from the cached TON/USD rate; nothing about
 * it is stored until an order records what it charged.
 */
import type { Minor } from '../../platform/money.ts';
import { starsQuoteUnavailable, type StarsTerms } from '../orders/index.ts';
import { priceTolerance, starsPrice } from './pricing.ts';
import type { RateReading, TonRate } from './ton-rate.ts';

export interface StarsPricing {
  /** The operator's margin on top of the TON price, in basis points (150 = 1.5 %). */
  marginBp: number;
  /** How far a submitted price may be from the quote, in basis points of the quote (at least a cent). */
  toleranceBp: number;
}

export interface StarsQuote {
  amount: number;
  price: Minor;
  rate: RateReading;
}

export class TelegramStars {
  readonly rate: TonRate;
  readonly pricing: StarsPricing;

  constructor(rate: TonRate, pricing: StarsPricing) {
    this.rate = rate;
    this.pricing = pricing;
  }

  /** The price of `amount` stars now; SERVICE_UNAVAILABLE when no trustworthy rate exists. */
  async quote(amount: number): Promise<StarsQuote> {
    const rate = await this.rate.current();
    if (!rate) throw starsQuoteUnavailable();
    return { amount, price: starsPrice(amount, rate.usdPerTon, this.pricing.marginBp), rate };
  }

  /**
   * The terms a create-order for `amount` stars is placed on. A missing rate is not an error
   * here: place_order answers a reused transactionId first, and QUOTE_UNAVAILABLE otherwise.
   */
  async terms(amount: number): Promise<StarsTerms> {
    const rate = await this.rate.current();
    const quote = rate ? starsPrice(amount, rate.usdPerTon, this.pricing.marginBp) : null;
    return {
      amount,
      quote,
      tolerance: quote === null ? 0 : priceTolerance(quote, this.pricing.toleranceBp),
      usdPerTon: rate?.usdPerTon ?? null,
    };
  }
}
