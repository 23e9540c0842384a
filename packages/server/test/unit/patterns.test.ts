/** Player-id patterns (platform/patterns.ts): whole-input matching in linear time, RE2 syntax checked on save. */
import { describe, expect, it } from 'vitest';
import { compilePattern } from '../../src/platform/patterns.ts';
import { appErrorOf } from '../support/expect.ts';

describe('compilePattern', () => {
  it('matches the whole input', () => {
    const sixDigits = compilePattern('\\d{6}', 'gameUserIdPattern');
    expect(sixDigits.test('123456')).toBe(true);
    expect(sixDigits.test('1234567')).toBe(false);
    expect(sixDigits.test('x123456')).toBe(false);
    expect(compilePattern('a|b', 'gameUserIdPattern').test('ab')).toBe(false);
  });

  it('runs a catastrophic pattern on a long input in linear time', () => {
    // A backtracking engine takes about 2^40 steps here (minutes); RE2 takes one pass.
    for (const pattern of ['(a+)+$', '(a|aa)+$', '(.*a){12}', '(\\w+\\s?)*$']) {
      const matcher = compilePattern(pattern, 'gameUserIdPattern');
      const started = performance.now();
      expect(matcher.test(`${'a'.repeat(40)}!`)).toBe(false);
      expect(matcher.test(`${'a'.repeat(10_000)}!`)).toBe(false);
      expect(performance.now() - started).toBeLessThan(200);
    }
  });

  it('refuses what RE2 cannot run, naming the field and the reason', () => {
    for (const [pattern, reason] of [['(?=a)a', 'unsupported Perl syntax'], ['(a)\\1', 'invalid escape sequence'], ['[a-', 'missing closing ]'], ['a{1001}', 'invalid repeat count']]) {
      const error = appErrorOf(() => compilePattern(pattern!, 'gameServerIdPattern'));
      expect(error.code).toBe('INVALID_REQUEST_BODY');
      expect(error.details.field).toBe('gameServerIdPattern');
      expect(error.message).toContain(reason);
      expect(error.message).toContain('RE2 syntax');
    }
  });
});
