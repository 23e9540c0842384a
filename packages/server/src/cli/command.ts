/** What a CLI command is: its words, its options, what it does, and how a person reads its answer. */
import type { AdminClient } from './http.ts';

export type OptionSpec = Record<string, { type: 'string' | 'boolean'; description: string; required?: boolean; multiple?: boolean }>;
/** An option's value: a string, true for a flag, every value of a repeatable option. */
export type Values = Record<string, string | boolean | string[] | undefined>;

export interface Command {
  /** e.g. "merchant create" */
  name: string;
  summary: string;
  /** Positional arguments, e.g. ["ID"]. */
  args?: string[];
  options?: OptionSpec;
  run(input: { values: Values; args: string[]; api: AdminClient; progress: (line: string) => void }): Promise<unknown>;
  /** How a person reads the answer; default: its fields, one per line. */
  human?(result: any): string;
  /** Whether the answer means the command did not do its job (exit status 1); default: never. */
  failed?(result: any): boolean;
}

/** A mistake in how the command was called: usage, exit status 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export function text(values: Values, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

export function id(raw: Values[string], what: string): number {
  if (typeof raw !== 'string' || !/^[1-9]\d{0,15}$/.test(raw)) throw new UsageError(`${what} must be a positive whole number`);
  return Number(raw);
}

export function optionalInt(values: Values, name: string): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !/^\d+$/.test(raw)) throw new UsageError(`--${name} must be a whole number`);
  return Number(raw);
}

/** A string option, or undefined when it is not given. */
export function optionalText(values: Values, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/** `?param=value&…` of the options given (option name → query parameter), or '' when none is. */
export function queryOf(values: Values, params: Record<string, string>): string {
  const query = new URLSearchParams();
  for (const [option, param] of Object.entries(params)) {
    const value = optionalText(values, option);
    if (value !== undefined) query.set(param, value);
  }
  return query.size > 0 ? `?${query}` : '';
}
