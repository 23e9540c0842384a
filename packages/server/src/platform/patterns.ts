/**
 * Operator-written patterns (an offer's player-id format), compiled once and matched whole: a
 * pattern "\d{6}" accepts exactly six digits, never six digits inside a longer id.
 */
import { invalidField } from './errors.ts';

const compiled = new Map<string, RegExp>();

/** The pattern as an anchored matcher; a pattern that does not compile is bad input naming `field`. */
export function compilePattern(pattern: string, field: string): RegExp {
  let regex = compiled.get(pattern);
  if (!regex) {
    try {
      regex = new RegExp(`^(?:${pattern})$`, 'u');
    } catch {
      throw invalidField(field, `"${pattern}" is not a valid regular expression`);
    }
    compiled.set(pattern, regex);
  }
  return regex;
}
