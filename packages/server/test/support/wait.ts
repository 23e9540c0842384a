/** Polls until `check` holds, for at most `ms` (a second by default: change notices take milliseconds). */
export async function eventually(check: () => Promise<boolean>, ms = 1000): Promise<boolean> {
  for (const until = Date.now() + ms; ; await new Promise((resolve) => setTimeout(resolve, 20))) {
    if (await check()) return true;
    if (Date.now() >= until) return false;
  }
}
