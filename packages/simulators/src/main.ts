/**
 * Runs a simulator from a shell, for the demo, benchmarks or poking at it with curl:
 *   node packages/simulators/src/main.ts codegames --port 9101 [--token T] [--generated-products 100000] [--fault all=timeout]
 *   node packages/simulators/src/main.ts gamesdrop --port 9102 [--generated-offers 100000] [--fault 1001=processing-then-complete:2]
 *   … codegames|gamesdrop [--script steps.json [--script-every-ms 60000]]   (scripted catalog changes; POST /_simulator/script/step)
 *   node packages/simulators/src/main.ts ton-rate --port 9103 [--rate 2.58] [--fault all=http-500]
 *   node packages/simulators/src/main.ts stars --port 9104 [--token T] [--rate-limit 30] [--fault 123456789=user-not-found]
 *   node packages/simulators/src/main.ts telegram --port 9105 --token 123:ABC [--user 143594291:igoryan34:Igor]
 * Prints the URL and the catalog (never keys), then runs until Ctrl-C.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { CodeGamesFault } from './codegames/faults.ts';
import { startCodeGamesSimulator } from './codegames/simulator.ts';
import { parseFaultArg } from './fault-arg.ts';
import type { GamesDropFault } from './gamesdrop/faults.ts';
import { startGamesDropSimulator } from './gamesdrop/simulator.ts';
import type { TransportFault } from './faults.ts';
import type { StarsProviderFault } from './stars/faults.ts';
import { startStarsProviderSimulator } from './stars/simulator.ts';
import { startTelegramBotApiSimulator } from './telegram/simulator.ts';
import { startTonRateSimulator } from './ton-rate/simulator.ts';

const USAGE = 'usage: main.ts <codegames|gamesdrop|ton-rate|stars|telegram> [--port N] [--host H] [--token T] [--fault TARGET=KIND[:VALUE]]... '
  + '[--rate USD_PER_TON] [--rate-limit N] [--user ID[:USERNAME[:FIRST_NAME]]]... [--generated-offers N] [--generated-products N] [--script FILE] [--script-every-ms N]';

/** A whole number >= 0 given as an option, or undefined when it is not given. */
function count(values: Record<string, unknown>, name: string): number | undefined {
  const text = values[name];
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!(Number.isInteger(value) && value >= 0)) throw new TypeError(`--${name} ${String(text)}: a whole number`);
  return value;
}

/** The scripted catalog changes of --script (a JSON array of steps, each an array of {id, …change}). */
function scriptOptions(values: Record<string, unknown>) {
  const file = values.script;
  if (typeof file !== 'string') return {};
  const script = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  if (!Array.isArray(script) || !script.every((step) => Array.isArray(step))) throw new TypeError(`--script ${file}: a JSON array of steps, each an array of changes`);
  const everyMs = count(values, 'script-every-ms');
  return { script, ...(everyMs !== undefined && { scriptEveryMs: everyMs }) };
}

/** A generated catalog is long: the first offers are printed, then how many more. */
const CATALOG_LINES = 20;

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      token: { type: 'string' },
      fault: { type: 'string', multiple: true, default: [] },
      rate: { type: 'string' },
      'rate-limit': { type: 'string' },
      user: { type: 'string', multiple: true, default: [] },
      'generated-offers': { type: 'string' },
      'generated-products': { type: 'string' },
      script: { type: 'string' },
      'script-every-ms': { type: 'string' },
    },
  });
  const which = positionals[0];
  const listen = { port: Number(values.port), host: values.host, token: values.token };
  if (!Number.isInteger(listen.port) || listen.port < 0 || listen.port > 65535) throw new TypeError(`--port ${values.port}: not a port`);
  const faults = values.fault.map(parseFaultArg);
  const lines: string[] = [];
  let stop: () => Promise<void>;

  if (which === 'codegames') {
    const generated = count(values, 'generated-products');
    const sim = await startCodeGamesSimulator({ ...listen, ...(generated !== undefined && { generatedProducts: generated }), ...scriptOptions(values) });
    for (const { target, fault } of faults) sim.setFault(target, fault as CodeGamesFault);
    stop = sim.stop;
    lines.push(`CodeGames simulator at ${sim.url}  (POST /check, /pay, /status)`);
    const catalog = sim.catalog();
    for (const p of catalog.slice(0, CATALOG_LINES)) lines.push(`  ${p.id}  ${p.name}  price ${p.price}  partner_price ${p.partnerPrice}  keys ${p.keysLeft}`);
    if (catalog.length > CATALOG_LINES) lines.push(`  … and ${catalog.length - CATALOG_LINES} more products (POST /check answers each)`);
  } else if (which === 'gamesdrop') {
    const generated = count(values, 'generated-offers');
    const sim = await startGamesDropSimulator({ ...listen, ...(generated !== undefined && { generatedOffers: generated }), ...scriptOptions(values) });
    for (const { target, fault } of faults) sim.setFault(target, fault as GamesDropFault);
    stop = sim.stop;
    lines.push(`GamesDrop simulator at ${sim.url}  (Partner API v1: /api/v1/offers/find-one, create-order, order-status, sync; `
      + 'POST /api/v1/partner/product-offer/servers; GET /api/v1/balance)');
    const catalog = sim.catalog();
    for (const o of catalog.slice(0, CATALOG_LINES)) lines.push(`  ${o.offerId}  ${o.productName} / ${o.offerName}  ${o.price} ${o.currency}  keys ${o.keysLeft}`);
    if (catalog.length > CATALOG_LINES) lines.push(`  … and ${catalog.length - CATALOG_LINES} more offers (POST /api/v1/offers/sync lists them)`);
  } else if (which === 'ton-rate') {
    const sim = await startTonRateSimulator({ ...listen, ...(values.rate !== undefined && { usdPerTon: values.rate }) });
    for (const { target, fault } of faults) {
      if (target !== 'all') throw new TypeError('ton-rate: faults apply to all (--fault all=KIND)');
      sim.setFault(fault as TransportFault);
    }
    stop = sim.stop;
    lines.push(`TON/USD rate source at ${sim.url}  (GET ${sim.rateUrl}: {"symbol":"TONUSD","price":"…"})`);
  } else if (which === 'stars') {
    const rateLimit = values['rate-limit'] === undefined ? undefined : Number(values['rate-limit']);
    if (rateLimit !== undefined && !(Number.isInteger(rateLimit) && rateLimit >= 0)) throw new TypeError(`--rate-limit ${values['rate-limit']}: a whole number`);
    const sim = await startStarsProviderSimulator({ ...listen, ...(rateLimit !== undefined && { rateLimit }) });
    for (const { target, fault } of faults) sim.setFault(target, fault as StarsProviderFault);
    stop = sim.stop;
    lines.push(`Telegram Stars provider at ${sim.url}  (POST /v1/transfers {request_id, telegram_user_id, amount}; at most ${rateLimit ?? 30} calls a second)`);
  } else if (which === 'telegram') {
    if (listen.token === undefined) throw new TypeError('telegram: --token is required (the bot token the API accepts)');
    const sim = await startTelegramBotApiSimulator({ ...listen, token: listen.token });
    for (const { target, fault } of faults) {
      if (target !== 'all') throw new TypeError('telegram: faults apply to all (--fault all=KIND)');
      sim.setFault(fault as TransportFault);
    }
    for (const user of values.user) {
      const [id, username, firstName] = user.split(':');
      if (!/^\d+$/.test(id ?? '')) throw new TypeError(`--user ${user}: expected ID[:USERNAME[:FIRST_NAME]]`);
      sim.userWrites({ id: Number(id), first_name: firstName || username || `User ${id}`, ...(username && { username }) });
      lines.push(`  user ${id}${username ? ` @${username}` : ''} wrote /start to the bot`);
    }
    stop = sim.stop;
    lines.unshift(`Telegram Bot API at ${sim.url}  (the bot's API root: /bot<token>/getMe, getUpdates, setWebhook, …)`);
  } else {
    throw new TypeError(USAGE);
  }
  if (which !== 'ton-rate' && which !== 'telegram') lines.push(`  auth: ${listen.token === undefined ? 'none (any caller)' : 'the --token, raw in Authorization'}`);
  for (const { target, fault } of faults) lines.push(`  fault: ${target} ${JSON.stringify(fault)}`);
  console.log(lines.join('\n'));

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void stop().then(() => process.exit(0)));
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(2);
});
