/**
 * `npm run bench:webhooks [-- --quick] [--rounds R] [--seconds S] [--connections C]`: what webhooks
 * cost create-order, in rounds. Each round runs the same create-order load on the same shops with
 * their endpoints off, then on (the receiver holding every delivery, so the on-run pays for the
 * outbox alone), then times the delivery of the on-run's events. Off and on alternate so that drift
 * (table growth, the machine's other load) weighs on both alike; each round's on ÷ off is printed,
 * with their median and spread. Figures in .bench/webhooks.json; docs/benchmarks.md#webhooks.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { settle, startBenchHub, vacuumAll } from './hub-process.ts';
import { httpScenario, type HttpFigures } from './http-load.ts';
import { commit, machine } from './report.ts';
import { drain, seedWebhookShops, setEndpoints, webhookCallers, type WebhookFigures } from './webhooks.ts';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    seconds: { type: 'string' },
    connections: { type: 'string', default: '16' },
  },
});
const quick = values.quick;
const rounds = Number(values.rounds ?? (quick ? 1 : 3));
const seconds = Number(values.seconds ?? (quick ? 2 : 10));
const connections = Number(values.connections);
const merchants = quick ? 20 : 100;
/** Above any create-order rate this machine reaches with webhooks, so no run runs out of keys. */
const ORDERS_PER_SECOND_CEILING = 2000;

interface Round {
  off: HttpFigures;
  on: HttpFigures;
  ratio: number;
  delivery: WebhookFigures;
}

async function main(): Promise<number> {
  const hub = await startBenchHub(process.env.DATABASE_URL, {
    DROPGATE_RATE_LIMIT: '0', DROPGATE_WEBHOOK_TIMEOUT_MS: String(Math.min(60_000, (seconds + 30) * 1000)),
  });
  try {
    const shops = await seedWebhookShops(hub.url, merchants, 2 * rounds, ORDERS_PER_SECOND_CEILING * seconds);
    await vacuumAll(hub.databaseUrl);
    const runId = randomBytes(3).toString('hex');
    let runs = 0;
    const run = async (state: 'off' | 'on', round: number) => {
      await setEndpoints(hub.url, shops, state === 'on');
      await settle(hub.databaseUrl);
      return httpScenario({
        scenario: `create-order, ${merchants} merchants, webhooks ${state} (round ${round})`, method: 'POST', path: '/api/v1/offers/create-order',
        callers: webhookCallers(shops, runs++, runId), mustContain: '"status":"COMPLETED"', url: hub.url, connections, seconds, cpu: hub.cpu,
      });
    };
    const done: Round[] = [];
    for (let round = 1; round <= rounds; round++) {
      // Off first in odd rounds, on first in even ones: what drifts over the run weighs on both.
      const offFirst = round % 2 === 1;
      const offBefore = offFirst ? await run('off', round) : undefined;
      shops.receiver.setDefault({ kind: 'hang' });
      const on = await run('on', round);
      const delivery = await drain(shops, on.requests - on.errors);
      const off = offBefore ?? await run('off', round);
      done.push({ off, on, ratio: on.rps / off.rps, delivery });
    }
    await shops.receiver.stop();
    const report = { date: new Date().toISOString(), commit: commit(), machine: machine(), database: hub.kind, merchants, connections, seconds, rounds: done };
    print(done);
    await mkdir('.bench', { recursive: true });
    await writeFile('.bench/webhooks.json', `${JSON.stringify(report, null, 2)}\n`);
    const failed = done.flatMap((r) => [r.off, r.on]).filter((h) => h.errors > 0);
    if (failed.length > 0) process.stderr.write(`errors in: ${failed.map((h) => h.scenario).join(', ')}\n`);
    return failed.length > 0 ? 1 : 0;
  } finally {
    await hub.stop();
  }
}

function print(done: Round[]): void {
  const us = (x: number | undefined) => (x === undefined ? '   n/a' : `${String(x).padStart(5)} µs`);
  const lines = done.map((r, i) =>
    `  round ${i + 1}: off ${String(r.off.rps).padStart(5)} req/s (database ${us(r.off.cpu.databaseUs)}, hub ${us(r.off.cpu.hubUs)} per order)` +
    `  on ${String(r.on.rps).padStart(5)} req/s (database ${us(r.on.cpu.databaseUs)}, hub ${us(r.on.cpu.hubUs)})` +
    `  on ÷ off ${r.ratio.toFixed(2)}  then ${r.delivery.events} events delivered at ${r.delivery.deliveredPerSecond}/s (verified ${r.delivery.verified})`);
  const ratios = done.map((r) => r.ratio).sort((a, b) => a - b);
  const median = ratios[Math.floor(ratios.length / 2)]!;
  const spread = Math.max(median - ratios[0]!, ratios.at(-1)! - median);
  process.stdout.write(`webhooks: create-order with each shop's endpoint on ÷ off, ${done.length} round(s) of ${seconds} s, ${connections} connections\n${lines.join('\n')}\n` +
    `  on ÷ off: median ${median.toFixed(2)} (±${spread.toFixed(2)} across rounds): the outbox costs ${(100 * (1 - median)).toFixed(1)}% of create-order\n`);
}

process.exitCode = await main();
