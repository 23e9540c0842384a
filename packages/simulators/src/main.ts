/**
 * Runs a simulator from a shell, for the demo, benchmarks or poking at it with curl:
 *   node packages/simulators/src/main.ts codegames --port 9101 [--token T] [--fault all=timeout]
 *   node packages/simulators/src/main.ts gamesdrop --port 9102 [--fault 1001=processing-then-complete:2]
 * Prints the URL and the catalog (never keys), then runs until Ctrl-C.
 */
import { parseArgs } from 'node:util';
import type { CodeGamesFault } from './codegames/faults.ts';
import { startCodeGamesSimulator } from './codegames/simulator.ts';
import { parseFaultArg } from './fault-arg.ts';
import type { GamesDropFault } from './gamesdrop/faults.ts';
import { startGamesDropSimulator } from './gamesdrop/simulator.ts';

const USAGE = 'usage: main.ts <codegames|gamesdrop> [--port N] [--host H] [--token T] [--fault TARGET=KIND[:VALUE]]...';

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      token: { type: 'string' },
      fault: { type: 'string', multiple: true, default: [] },
    },
  });
  const which = positionals[0];
  const listen = { port: Number(values.port), host: values.host, token: values.token };
  if (!Number.isInteger(listen.port) || listen.port < 0 || listen.port > 65535) throw new TypeError(`--port ${values.port}: not a port`);
  const faults = values.fault.map(parseFaultArg);
  const lines: string[] = [];
  let stop: () => Promise<void>;

  if (which === 'codegames') {
    const sim = await startCodeGamesSimulator(listen);
    for (const { target, fault } of faults) sim.setFault(target, fault as CodeGamesFault);
    stop = sim.stop;
    lines.push(`CodeGames simulator at ${sim.url}  (POST /check, /pay, /status)`);
    for (const p of sim.catalog()) lines.push(`  ${p.id}  ${p.name}  price ${p.price}  partner_price ${p.partnerPrice}  keys ${p.keysLeft}`);
  } else if (which === 'gamesdrop') {
    const sim = await startGamesDropSimulator(listen);
    for (const { target, fault } of faults) sim.setFault(target, fault as GamesDropFault);
    stop = sim.stop;
    lines.push(`GamesDrop simulator at ${sim.url}  (Partner API v1: /api/v1/offers/find-one, create-order, order-status; GET /api/v1/balance)`);
    for (const o of sim.catalog()) lines.push(`  ${o.offerId}  ${o.productName} / ${o.offerName}  ${o.price} ${o.currency}  keys ${o.keysLeft}`);
  } else {
    throw new TypeError(USAGE);
  }
  lines.push(`  auth: ${listen.token === undefined ? 'none (any caller)' : 'the --token, raw in Authorization'}`);
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
