/**
 * `npm start` and `dropgate serve`: runs the hub until SIGTERM or SIGINT, then drains in-flight
 * requests and stops the embedded database cleanly.
 */
import { ConfigError, loadConfig } from './config.ts';
import { DEMO_STARS_USER } from './seed/demo-stars.ts';
import { DEMO_SUPPLIER_OFFER } from './seed/demo-supplier.ts';
import { startHub } from './start.ts';

/** The documented stop bound (10 s), and a little for the process to exit. */
const STOP_BACKSTOP_MS = 10_500;

export async function serve(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const running = await startHub(config, {
    logger: { level: config.logLevel, redact: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-csrf-token"]', 'res.headers["set-cookie"]'] },
  });
  const lines = [`Dropgate is running at ${running.url}`, `  API docs:        ${running.url}/docs`];
  if (running.demo) {
    lines.push(`  Demo shop token: ${running.demo.shopToken}`);
    if (running.demo.operatorToken) lines.push(`  Operator token:  ${running.demo.operatorToken}   (demo: kept in the data folder)`);
  } else if (running.newAdminToken) {
    lines.push(`  Operator token:  ${running.newAdminToken}   (shown once: store it now)`);
  }
  if (running.demo) {
    lines.push(`  Try: curl -s ${running.url}/api/v1/balance -H 'Authorization: ${running.demo.shopToken}'`);
    lines.push(`  Offer ${DEMO_SUPPLIER_OFFER} is fulfilled by a simulated supplier: create-order answers PROCESSING, order-status soon COMPLETED`);
    lines.push(`  Telegram Stars: find-one {"offerId":"telegram_stars_100"}, then create-order with gameUserId "${DEMO_STARS_USER.id}" (user-info finds @${DEMO_STARS_USER.username}); a simulated provider delivers`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    running.app.log.info({ signal }, 'stopping: draining requests');
    // The stop is bounded step by step; this is the backstop should a step ever hang.
    setTimeout(() => {
      running.app.log.error({ signal }, `stop did not finish within ${STOP_BACKSTOP_MS} ms; exiting`);
      process.exit(1);
    }, STOP_BACKSTOP_MS).unref();
    await running.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

if (import.meta.main) await serve();
