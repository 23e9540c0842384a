/**
 * Time, injectable: the fulfilment policy (e.g. 100 status checks 2 minutes apart) is tested in
 * seconds by advancing a manual clock instead of waiting.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
