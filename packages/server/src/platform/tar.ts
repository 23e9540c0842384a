/**
 * The few parts of POSIX tar (ustar) a backup needs: regular files and folders, written as a
 * stream and read back as one. A backup is a tar so that an operator can look into it with any
 * `tar tf`; no dependency is needed for so little.
 */
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';
import type { Readable } from 'node:stream';

const BLOCK = 512;

export interface TarEntry {
  /** Relative, with `/` separators; folders end without one. */
  name: string;
  kind: 'file' | 'folder';
  size: number;
  mode: number;
  mtime: Date;
}

/** The 512-byte header of one entry. */
export function tarHeader(entry: TarEntry): Buffer {
  const header = Buffer.alloc(BLOCK);
  const name = entry.kind === 'folder' ? `${entry.name}/` : entry.name;
  const [prefix, base] = splitName(name);
  header.write(base, 0, 100, 'utf8');
  octal(header, 100, 8, entry.mode & 0o7777);
  octal(header, 108, 8, 0);
  octal(header, 116, 8, 0);
  octal(header, 124, 12, entry.kind === 'file' ? entry.size : 0);
  octal(header, 136, 12, Math.floor(entry.mtime.getTime() / 1000));
  header.write('        ', 148, 8, 'latin1'); // the checksum counts itself as spaces
  header.write(entry.kind === 'file' ? '0' : '5', 156, 1, 'latin1');
  header.write('ustar\u000000', 257, 8, 'latin1');
  header.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 8, 'latin1');
  return header;
}

/** Zero bytes that round `size` up to whole blocks. */
export function tarPadding(size: number): Buffer {
  return Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);
}

/** Two empty blocks: the end of the archive. */
export const TAR_END = Buffer.alloc(BLOCK * 2);

/** Names over 100 bytes go in ustar's 155-byte prefix, split at a folder boundary. */
function splitName(name: string): [string, string] {
  if (Buffer.byteLength(name) <= 100) return ['', name];
  const cut = name.lastIndexOf('/', name.length - 2);
  const [prefix, base] = [name.slice(0, cut), name.slice(cut + 1)];
  if (cut <= 0 || Buffer.byteLength(prefix) > 155 || Buffer.byteLength(base) > 100) throw new Error(`tar: the name ${name} is too long`);
  return [prefix, base];
}

function octal(header: Buffer, offset: number, width: number, value: number): void {
  header.write(`${value.toString(8).padStart(width - 1, '0')}\u0000`, offset, width, 'latin1');
}

/**
 * Unpacks a tar stream into `dir`, refusing any name that would land outside it. `onEntry` sees
 * each entry as it starts (progress, and to read small files such as a manifest in passing).
 */
export async function extractTar(input: Readable, dir: string, onBytes: (bytes: number) => void = () => {}): Promise<string[]> {
  const names: string[] = [];
  let pending: Buffer = Buffer.alloc(0);
  let file: { out: ReturnType<typeof createWriteStream>; left: number; pad: number } | undefined;
  let ended = false;
  for await (const chunk of input as AsyncIterable<Buffer>) {
    onBytes(chunk.length);
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (!ended) {
      if (file) {
        const take = Math.min(file.left, pending.length);
        if (take > 0 && !file.out.write(pending.subarray(0, take))) await once(file.out, 'drain');
        file.left -= take;
        pending = pending.subarray(take);
        if (file.left > 0) break;
        if (pending.length < file.pad) break;
        pending = pending.subarray(file.pad);
        file.out.end();
        await once(file.out, 'close');
        file = undefined;
      }
      if (pending.length < BLOCK) break;
      const header = pending.subarray(0, BLOCK);
      pending = pending.subarray(BLOCK);
      if (header.every((byte) => byte === 0)) {
        ended = true;
        break;
      }
      const entry = parseHeader(header);
      const target = path.resolve(dir, entry.name);
      if (target !== path.resolve(dir) && !target.startsWith(path.resolve(dir) + path.sep)) throw new Error(`tar: ${entry.name} is outside the archive's folder`);
      names.push(entry.name);
      if (entry.kind === 'folder') {
        await mkdir(target, { recursive: true, mode: entry.mode });
        continue;
      }
      await mkdir(path.dirname(target), { recursive: true });
      file = { out: createWriteStream(target, { mode: entry.mode }), left: entry.size, pad: tarPadding(entry.size).length };
      if (entry.size === 0 && file.pad === 0) {
        file.out.end();
        await once(file.out, 'close');
        file = undefined;
      }
    }
  }
  if (!ended || file) throw new Error('tar: the archive ends in the middle (an incomplete backup)');
  return names;
}

function parseHeader(header: Buffer): { name: string; kind: 'file' | 'folder'; size: number; mode: number } {
  const text = (offset: number, width: number) => header.subarray(offset, offset + width).toString('utf8').replace(/\u0000.*$/s, '');
  const number = (offset: number, width: number) => parseInt(text(offset, width).trim() || '0', 8);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : header[i]!;
  if (sum !== number(148, 8)) throw new Error('tar: a header is damaged (checksum mismatch)');
  const prefix = text(345, 155);
  const name = (prefix ? `${prefix}/${text(0, 100)}` : text(0, 100)).replace(/\/$/, '');
  const type = text(156, 1);
  if (type !== '0' && type !== '' && type !== '5') throw new Error(`tar: ${name} is neither a file nor a folder`);
  return { name, kind: type === '5' ? 'folder' : 'file', size: number(124, 12), mode: number(100, 8) || 0o600 };
}
