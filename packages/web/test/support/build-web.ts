/**
 * The suite serves the built app (the hub at / and the browser tests): build it first if its
 * sources changed, so `npx vitest run <file>` works as well as `npm test` (whose pretest builds too).
 */
import { buildIfStale } from '../../tools/build.ts';

export default async function setup() {
  await buildIfStale({ quiet: true });
}
