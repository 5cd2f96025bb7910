import type { IHubOptions, IHubProgress } from './settings';

/** `12.3 MB`: a byte count for people. */
export function formatBytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(1)} ${units[u]}`;
}

/** `bert-base-uncased model.safetensors 12.3 MB / 440.4 MB (3 %)`. */
export function formatProgress(p: IHubProgress): string {
  const pct = p.total ? ` (${Math.floor((100 * p.bytes) / p.total)} %)` : '';
  return `${p.repo} ${p.file} ${formatBytes(p.bytes)}${p.total ? ` / ${formatBytes(p.total)}` : ''}${pct}`;
}

/**
 * Hub options that report to a terminal: log lines as they come, byte progress at most every
 * `intervalMs` per file (and always at the end of a file).
 */
export function terminalReporter(
  write: (line: string) => void,
  intervalMs = 1000
): Pick<IHubOptions, 'onLog' | 'onProgress'> {
  const last = new Map<string, number>();
  return {
    onLog: line => write(line),
    onProgress: p => {
      const key = `${p.repo}/${p.file}`;
      const now = Date.now();
      const end = p.total !== undefined && p.bytes >= p.total;
      if (end || now - (last.get(key) ?? 0) >= intervalMs) {
        last.set(key, now);
        write(formatProgress(p));
      }
    }
  };
}
