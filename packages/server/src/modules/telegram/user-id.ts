/** A Telegram user id as Telegram issues them: a positive whole number (never a @username). */
const TELEGRAM_USER_ID = /^[1-9]\d{0,15}$/;

export function isTelegramUserId(text: string): boolean {
  return TELEGRAM_USER_ID.test(text) && Number.isSafeInteger(Number(text));
}
