/** The docs that carry a contract are checked against the code, so they cannot drift. */
import { readFile } from 'node:fs/promises';
import { ERROR_STATUS } from '@dropgate/contract';
import { describe, expect, it } from 'vitest';

const docsDir = new URL('../../../docs/', import.meta.url);

describe('docs', () => {
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
