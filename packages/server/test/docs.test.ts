/** The docs that carry a contract are checked against the code, so they cannot drift. */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { ERROR_STATUS } from '@dropgate/contract';
import { describe, expect, it } from 'vitest';

const docsDir = new URL('../../../docs/', import.meta.url);
const repoDir = new URL('../../../', import.meta.url);

/** Every Markdown file of the repository a reader starts from: the README, docs/, the package READMEs. */
async function markdownFiles(): Promise<URL[]> {
  const docs = (await readdir(docsDir)).filter((f) => f.endsWith('.md')).map((f) => new URL(f, docsDir));
  const packages = (await readdir(new URL('packages/', repoDir))).map((p) => new URL(`packages/${p}/README.md`, repoDir));
  return [new URL('README.md', repoDir), ...docs, ...packages].filter((url) => existsSync(url));
}

describe('docs', () => {
  it('every relative link points at a file that exists', async () => {
    const broken: string[] = [];
    for (const file of await markdownFiles()) {
      const text = await readFile(file, 'utf8');
      for (const [, target] of text.matchAll(/\]\(([^)\s#]+)(?:#[^)]*)?\)/g)) {
        if (/^[a-z]+:/.test(target!)) continue; // http:, mailto:
        if (!existsSync(new URL(target!, file))) broken.push(`${file.pathname.slice(repoDir.pathname.length)} -> ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('errors.md lists every error code with the status the hub answers', async () => {
    const text = await readFile(new URL('errors.md', docsDir), 'utf8');
    const documented = new Map(
      [...text.matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \|/gm)].map((m) => [m[1]!, Number(m[2])]),
    );
    expect(Object.fromEntries(documented)).toEqual(ERROR_STATUS);
  });

  it('orders.md lists exactly the transitions of the state table', async () => {
    const { TRANSITIONS } = await import('../src/modules/orders/index.ts');
    const text = await readFile(new URL('orders.md', docsDir), 'utf8');
    const documented = [...text.matchAll(/^\| ([A-Z]+) \| ([A-Z]+) \|/gm)].map((m) => `${m[1]}>${m[2]}`);
    expect(documented.sort()).toEqual(TRANSITIONS.map((t) => `${t.from}>${t.to}`).sort());
  });
});
