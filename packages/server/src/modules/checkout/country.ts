/** Whether an offer may be sold to the buyer's country: its product names the countries it excludes. */
import type { CountryCompatibility } from '@dropgate/contract';
import { AppError } from '../../platform/errors.ts';
import type { SaleOffer } from './sale-offer.ts';

export function countryCompatibility(offer: SaleOffer, countryCode: string | undefined): CountryCompatibility {
  if (countryCode === undefined) return 'not_checked';
  return offer.product.excludedCountryCodes.includes(countryCode.toUpperCase()) ? 'blocked' : 'allowed';
}

/** create-order: an offer is not sold into a country it excludes (nothing is written). */
export function assertCountryAllowed(offer: SaleOffer, countryCode: string | undefined): void {
  if (countryCompatibility(offer, countryCode) === 'blocked') {
    throw new AppError('COUNTRY_NOT_ALLOWED', `Offer ${offer.offerId} is not sold to ${countryCode!.toUpperCase()}`);
  }
}
