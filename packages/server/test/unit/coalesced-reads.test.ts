/** Coalesced point reads (platform/db/coalesced-reads.ts): one statement for the reads of one turn of the event loop. */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { coalescedReads } from '../../src/platform/db/coalesced-reads.ts';

/** A readMany over a fixed table that records the keys of each call, as the statements it would send. */
function table(rows: Record<number, string>) {
  const calls: number[][] = [];
  const read = coalescedReads(async (keys: readonly number[]) => {
    calls.push([...keys]);
    return new Map(keys.filter((k) => k in rows).map((k) => [k, rows[k]!]));
  });
  return { read, calls };
}

describe('coalescedReads', () => {
  it('sends the reads asked for in one turn as one call, and answers each its own row', async () => {
    const { read, calls } = table({ 1: 'one', 2: 'two', 3: 'three' });
    const answers = await Promise.all([read(3), read(1), read(2), read(1)]);
    expect(answers).toEqual(['three', 'one', 'two', 'one']);
    expect(calls).toEqual([[3, 1, 2, 1]]);
  });

  it('answers undefined for a key the call did not find, and the others as found', async () => {
    const { read } = table({ 1: 'one' });
    expect(await Promise.all([read(1), read(7)])).toEqual(['one', undefined]);
  });

  it('sends a read asked for in a later turn in a call of its own, after the first', async () => {
    const { read, calls } = table({ 1: 'one', 2: 'two' });
    const first = read(1);
    await nextTurn();
    const second = read(2);
    expect(await Promise.all([first, second])).toEqual(['one', 'two']);
    expect(calls).toEqual([[1], [2]]);
  });

  it('fails every read of a failed call with its error, and the next turn reads again', async () => {
    let fail = true;
    const read = coalescedReads(async (keys: readonly number[]) => {
      if (fail) throw new Error('connection terminated');
      return new Map(keys.map((k) => [k, k * 10]));
    });
    const failed = await Promise.allSettled([read(1), read(2)]);
    expect(failed.map((r) => r.status === 'rejected' && (r.reason as Error).message)).toEqual(['connection terminated', 'connection terminated']);
    fail = false;
    expect(await Promise.all([read(1), read(2)])).toEqual([10, 20]);
  });

  it('caps a call at 256 keys: 600 reads of one turn go in three calls', async () => {
    const rows = Object.fromEntries(Array.from({ length: 600 }, (_, i) => [i, `row ${i}`]));
    const { read, calls } = table(rows);
    const answers = await Promise.all(Array.from({ length: 600 }, (_, i) => read(i)));
    expect(answers).toEqual(Array.from({ length: 600 }, (_, i) => `row ${i}`));
    expect(calls.map((c) => c.length)).toEqual([256, 256, 88]);
  });
});
