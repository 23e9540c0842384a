/**
 * Builds the app into dist/ when its sources changed since the last build (a hash of the inputs
 * is kept in dist/.source-hash). `npm start` and `npm test` call this first (root prestart and
 * pretest, and the test run's global setup), so a fresh `npm ci && npm start` serves the app with no
 * extra step, and an unchanged tree costs a hash of a few files (milliseconds). `--force`
 * builds anyway.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Where the built app is; the hub serves this folder. */
export const WEB_DIST = path.join(ROOT, 'dist');
const STAMP = path.join(WEB_DIST, '.source-hash');
const INPUTS = ['index.html', 'vite.config.ts', 'package.json', 'src'];

async function files(entry: string): Promise<string[]> {
  const full = path.join(ROOT, entry);
  if (!existsSync(full)) return [];
  const found = await readdir(full, { recursive: true, withFileTypes: true }).catch(() => null);
  if (found === null) return [entry];
  return found.filter((d) => d.isFile()).map((d) => path.relative(ROOT, path.join(d.parentPath, d.name)));
}

async function sourceHash(): Promise<string> {
  const hash = createHash('sha256');
  const all = (await Promise.all(INPUTS.map(files))).flat().sort();
  for (const file of all) hash.update(file).update('\0').update(await readFile(path.join(ROOT, file))).update('\0');
  return hash.digest('hex');
}

export async function buildIfStale(options: { force?: boolean; quiet?: boolean } = {}): Promise<'built' | 'fresh'> {
  const hash = await sourceHash();
  const stamp = existsSync(STAMP) ? (await readFile(STAMP, 'utf8')).trim() : '';
  if (!options.force && stamp === hash && existsSync(path.join(WEB_DIST, 'index.html'))) return 'fresh';
  const { build } = await import('vite'); // only when building: the hub itself never loads Vite
  await build({ root: ROOT, configFile: path.join(ROOT, 'vite.config.ts'), logLevel: options.quiet ? 'warn' : 'info' });
  await writeFile(STAMP, `${hash}\n`);
  return 'built';
}

if (import.meta.main) {
  const result = await buildIfStale({ force: process.argv.includes('--force'), quiet: process.argv.includes('--quiet') });
  if (result === 'fresh') process.stdout.write('web: dist/ is up to date\n');
}
