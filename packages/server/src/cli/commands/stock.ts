import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { id, text, UsageError, type Command } from '../command.ts';

/** Keys per request: well under the API's limit of 5,000, so each call stays small and quick. */
const BATCH = 1000;

export const stockCommands: Command[] = [
  {
    name: 'stock add',
    summary: 'Adds keys from a file (one per line, blank lines ignored); keys already in stock count as duplicates',
    options: {
      offer: { type: 'string', description: 'Offer id', required: true },
      file: { type: 'string', description: 'Path of the keys file', required: true },
    },
    async run({ values, api, progress }) {
      const offerId = id(values.offer, '--offer');
      const file = text(values, 'file');
      await access(file).catch(() => {
        throw new UsageError(`cannot read ${file}`);
      });
      const totals = { added: 0, duplicates: 0 };
      let sent = 0;
      let batch: string[] = [];
      const flush = async () => {
        if (batch.length === 0) return;
        const answer = await api.post(`/offers/${offerId}/stock`, { keys: batch });
        totals.added += answer.added;
        totals.duplicates += answer.duplicates;
        sent += batch.length;
        batch = [];
        progress(`${sent} keys sent: ${totals.added} added, ${totals.duplicates} duplicates`);
      };
      // Streamed line by line: a file of millions of keys is never held in memory whole.
      for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
        if (line.trim() === '') continue;
        batch.push(line);
        if (batch.length === BATCH) await flush();
      }
      await flush();
      return { offerId, ...totals };
    },
    human: (r) => `${r.added} added, ${r.duplicates} duplicates (offer ${r.offerId})`,
  },
];
