/**
 * `dropgate`: the operator's command line, an HTTP client of the operator API (DROPGATE_URL, and
 * DROPGATE_API_KEY or the bootstrap key DROPGATE_ADMIN_TOKEN), plus `dropgate serve`, the hub itself. Every command takes --json and then
 * prints exactly one JSON object on stdout (errors too: {"error": {...}}). Exit status: 0 done,
 * 1 the hub refused or failed (or `audit` found a violation), 2 the command was mistyped.
 */
import { parseArgs } from 'node:util';
import { UsageError, type Command, type Values } from './command.ts';
import { backupCommands } from './commands/backup.ts';
import { catalogCommands } from './commands/catalog.ts';
import { merchantCommands } from './commands/merchants.ts';
import { orderCommands } from './commands/orders.ts';
import { pricingCommands } from './commands/pricing.ts';
import { productCommands } from './commands/products.ts';
import { stockCommands } from './commands/stock.ts';
import { supplierCommands } from './commands/suppliers.ts';
import { teamCommands } from './commands/team.ts';
import { userCommands } from './commands/users.ts';
import { auditLogCommands } from './commands/audit-log.ts';
import { webhookCommands } from './commands/webhooks.ts';
import { AdminClient, ApiError } from './http.ts';
import { printResult } from './output.ts';

const COMMANDS: Command[] = [
  ...merchantCommands, ...userCommands, ...productCommands, ...catalogCommands, ...stockCommands, ...supplierCommands, ...pricingCommands, ...orderCommands, ...teamCommands, ...auditLogCommands,
  ...webhookCommands, ...backupCommands,
];

/** An API key when one is given; else the bootstrap key (the operator token). */
function credential(): string {
  return process.env.DROPGATE_API_KEY || process.env.DROPGATE_ADMIN_TOKEN || '';
}

/** Commands that draw a progress line on the terminal, ended before their answer. */
const PROGRESS_COMMANDS = new Set(['stock add', 'backup', 'restore', 'supplier sync']);

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'serve') {
    const { serve } = await import('../main.ts');
    await serve();
    return -1; // keeps running
  }
  const command = COMMANDS.filter((c) => startsWith(argv, c.name.split(' '))).sort((a, b) => b.name.length - a.name.length)[0];
  if (!command) {
    process.stdout.write(overview());
    return argv.length === 0 || argv[0] === '--help' || argv[0] === 'help' ? 0 : 2;
  }
  const rest = argv.slice(command.name.split(' ').length);
  const json = rest.includes('--json');
  try {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        json: { type: 'boolean' },
        help: { type: 'boolean' },
        ...Object.fromEntries(Object.entries(command.options ?? {}).map(([name, o]) => [name, { type: o.type, multiple: o.multiple ?? false }])),
      },
    });
    if (values.help) {
      process.stdout.write(help(command));
      return 0;
    }
    if (positionals.length !== (command.args ?? []).length) throw new UsageError(`expected ${(command.args ?? []).join(' ') || 'no arguments'}`);
    const api = new AdminClient(process.env.DROPGATE_URL || 'http://127.0.0.1:8080', credential());
    const progress = process.stderr.isTTY && !json ? (line: string) => process.stderr.write(`\r${line}\x1b[K`) : () => {};
    const result = await command.run({ values: values as Values, args: positionals, api, progress });
    if (process.stderr.isTTY && !json && PROGRESS_COMMANDS.has(command.name)) process.stderr.write('\n');
    printResult(result, json, command.human);
    return command.failed?.(result) ? 1 : 0;
  } catch (error) {
    return fail(error, json, command);
  }
}

function fail(error: unknown, json: boolean, command: Command): number {
  if (error instanceof ApiError) {
    if (json) process.stdout.write(`${JSON.stringify({ error: { code: error.code, message: error.message, status: error.status } })}\n`);
    process.stderr.write(`error ${error.code}: ${error.message}\n`);
    return 1;
  }
  if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    if (json) process.stdout.write(`${JSON.stringify({ error: { code: 'USAGE', message: (error as Error).message } })}\n`);
    process.stderr.write(`${(error as Error).message}\n\n${help(command)}`);
    return 2;
  }
  throw error;
}

function startsWith(argv: string[], words: string[]): boolean {
  return words.every((word, i) => argv[i] === word);
}

function help(command: Command): string {
  const usage = [`dropgate ${command.name}`, ...(command.args ?? [])].join(' ');
  const options = Object.entries(command.options ?? {}).map(([name, o]) =>
    `  --${name}${o.type === 'string' ? ' VALUE' : ''}`.padEnd(34) + `${o.description}${o.required ? ' (required)' : ''}${o.multiple ? ' (repeatable)' : ''}`);
  return `${usage} [options]\n  ${command.summary}\n\n${[...options, '  --json'.padEnd(34) + 'Print one JSON object'].join('\n')}\n`;
}

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length), 5);
  return [
    'dropgate: the Dropgate operator CLI (DROPGATE_URL; DROPGATE_API_KEY, or the bootstrap key DROPGATE_ADMIN_TOKEN)',
    '',
    `  ${'serve'.padEnd(width)}  Runs the hub (same environment as npm start)`,
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Every command takes --help and --json.',
    '',
  ].join('\n');
}

const code = await main(process.argv.slice(2));
if (code >= 0) process.exitCode = code;
