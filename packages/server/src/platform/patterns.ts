/**
 * Operator-written patterns (an offer's player-id format), compiled once and matched whole: a
 * pattern "\d{6}" accepts exactly six digits, never six digits inside a longer id.
 *
 * Matching runs on RE2JS, a linear-time engine (RE2's automata, in JavaScript): a merchant
 * controls the input, so a backtracking engine would let a pattern such as "(a+)+$" and a long
 * gameUserId freeze the event loop for minutes. RE2 syntax has no lookarounds and no
 * backreferences, which are exactly what cannot run in linear time: such a pattern is refused
 * when the offer is saved, with the parser's reason.
 */
import { RE2JS } from 're2js';
import { invalidField } from './errors.ts';

export interface PatternMatcher {
  /** Whether the whole input matches, in time linear in the input's length. */
  test(input: string): boolean;
}

const compiled = new Map<string, PatternMatcher>();

/** The pattern as a whole-input matcher; a pattern RE2 cannot compile is bad input naming `field`. */
export function compilePattern(pattern: string, field: string): PatternMatcher {
  let matcher = compiled.get(pattern);
  if (!matcher) {
    let regex: RE2JS;
    try {
      regex = RE2JS.compile(pattern);
    } catch (error) {
      const reason = (error as Error).message.replace(/^error parsing regexp: /, '');
      throw invalidField(field, `"${pattern}" is not a valid pattern (${reason}); patterns use RE2 syntax, which has no lookarounds or backreferences`);
    }
    matcher = { test: (input) => regex.matches(input) };
    compiled.set(pattern, matcher);
  }
  return matcher;
}
