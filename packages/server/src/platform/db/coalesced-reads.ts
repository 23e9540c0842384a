/**
 * Point reads asked for together go to the database together. Every read asked for in one turn
 * of the event loop (the requests whose sockets were ready at once) becomes one statement over
 * all their keys, and each caller is answered when it returns. A read is still sent only after it
 * was asked for, so it sees every commit before that: no answer is older than a read of its own
 * would give. At low load a turn holds one read and nothing waits; under load, N requests pay one
 * pool checkout, one write to the database's socket and one round trip instead of N.
 *
 * DataLoader does the collecting, with its cache off (every read goes to the database) and its
 * batch sent from setImmediate: after the poll phase has run every ready socket's callback,
 * where its default (the end of the current tick) would send each request's read alone.
 */
import DataLoader from 'dataloader';

/** The most keys one statement carries; more asked for in one turn go in several. */
const MAX_KEYS = 256;

/**
 * A reader of one row by key, coalesced: `readMany` answers the rows found for some keys (a key
 * may come more than once), and a key not in its answer reads as undefined. A failed statement
 * fails every read it carried with its error, as each read alone would have failed.
 */
export function coalescedReads<K, V>(readMany: (keys: readonly K[]) => Promise<Map<K, V>>): (key: K) => Promise<V | undefined> {
  const loader = new DataLoader<K, V | undefined>(
    async (keys) => {
      const found = await readMany(keys);
      return keys.map((key) => found.get(key));
    },
    { cache: false, maxBatchSize: MAX_KEYS, batchScheduleFn: (send) => setImmediate(send) },
  );
  return (key) => loader.load(key);
}
