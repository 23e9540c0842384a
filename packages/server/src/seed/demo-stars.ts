/**
 * The demo's Telegram Stars: a TON/USD rate source, a stars provider and a Telegram Bot API, all
 * in-process simulators, so `npm start` shows a Stars order end to end with no internet. A demo
 * user, the spec's own @igoryan34 (id 143594291), has written to the bot, so user-info finds
 * them; the spec's failing id, 123456789, is "user not found" at the provider. Whatever the
 * environment configures for real (DROPGATE_STARS_PROVIDER_URL, DROPGATE_TELEGRAM_BOT_TOKEN) is
 * used instead of the simulator standing in for it.
 */
import {
  startStarsProviderSimulator, startTelegramBotApiSimulator, startTonRateSimulator,
  type StarsProviderSimulator, type TelegramBotApiSimulator, type TonRateSimulator,
} from '@dropgate/simulators';
import type { Config } from '../config.ts';

export const DEMO_STARS_USER = { id: 143594291, username: 'igoryan34', first_name: 'Igor', photoFileId: 'AQADAgADRKgxGzMTjwgABCAI' };
export const DEMO_STARS_FAILING_USER = 123456789;
const PROVIDER_TOKEN = 'demo-stars-provider-token';
const BOT_TOKEN = '1000000001:DEMO-bot-token-for-the-simulator';

export interface DemoStars {
  config: Pick<Config, 'stars' | 'tonRate' | 'telegram'>;
  stop(): Promise<void>;
}

export async function startDemoStars(config: Config): Promise<DemoStars> {
  let rate: TonRateSimulator | undefined;
  let provider: StarsProviderSimulator | undefined;
  let botApi: TelegramBotApiSimulator | undefined;
  const stop = async () => {
    await Promise.all([rate?.stop(), provider?.stop(), botApi?.stop()]);
  };
  try {
    let { stars, tonRate, telegram } = config;
    if (!stars) {
      rate = await startTonRateSimulator({ usdPerTon: '2.58' });
      provider = await startStarsProviderSimulator({ token: PROVIDER_TOKEN });
      provider.setFault(DEMO_STARS_FAILING_USER, { kind: 'user-not-found' });
      stars = {
        providerUrl: provider.url, providerToken: PROVIDER_TOKEN, providerTimeoutMs: 5000, statusIntervalS: 5, statusAttempts: 20,
        rateLimit: 30, marginPercent: '1', tolerancePercent: '1.5',
      };
      tonRate = { ...tonRate, url: rate.rateUrl, field: 'price' };
    }
    if (!telegram) {
      botApi = await startTelegramBotApiSimulator({ token: BOT_TOKEN });
      botApi.userWrites(DEMO_STARS_USER, '/start');
      telegram = { botToken: BOT_TOKEN, apiRoot: botApi.url, mode: 'polling', webhookUrl: undefined, webhookSecret: undefined };
    }
    return { config: { stars, tonRate, telegram }, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
