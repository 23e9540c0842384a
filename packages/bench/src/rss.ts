/** The hub process's memory, sampled from /proc while a scenario runs (Linux). */
import { readFileSync } from 'node:fs';

export function sampleRss(pid: number, everyMs = 100): { stop(): number } {
  let peakKb = 0;
  const read = () => {
    try {
      const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
      peakKb = Math.max(peakKb, kb);
    } catch {
      // the process is gone, or /proc is not there: the peak stays what it was
    }
  };
  read();
  const timer = setInterval(read, everyMs);
  return {
    stop() {
      clearInterval(timer);
      read();
      return Math.round(peakKb / 1024);
    },
  };
}
