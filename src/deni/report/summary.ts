import { configId } from './groups';
import type { IGroupStats, IReportBundle } from './types';

type Progress = NonNullable<IReportBundle['progress']>;

/** "12 / 40 runs (3 from the store, 1 failed), about 4 min left; now: ..." */
export function progressLine(p: Progress): string {
  const extras: string[] = [];
  if (p.cached > 0) {
    extras.push(`${p.cached} from the store`);
  }
  if (p.failed > 0) {
    extras.push(`${p.failed} failed`);
  }
  let line = `${p.done} / ${p.total} runs`;
  if (extras.length > 0) {
    line += ` (${extras.join(', ')})`;
  }
  if (p.etaSeconds !== undefined && Number.isFinite(p.etaSeconds)) {
    line += `, about ${formatDuration(p.etaSeconds)} left`;
  }
  if (p.current) {
    line += `; now: ${p.current}`;
  }
  return line;
}

/** Seconds as "45 s", "3 min 20 s" or "2 h 5 min". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) {
    return `${s} s`;
  }
  if (s < 3600) {
    return `${Math.floor(s / 60)} min ${s % 60} s`;
  }
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/**
 * "runs could detect std / default <= 0.46 (power 0.8, alpha 0.05)": what the comparisons of one
 * configuration could have found, so a null result with few runs reads as "too few runs", not as
 * "no difference". One ratio when all comparisons agree, else the range.
 */
export function detectableLine(group: readonly IGroupStats[]): string | null {
  const compared = group.filter(s => s.detectableStdRatio !== undefined);
  if (compared.length === 0) {
    return null;
  }
  const first = compared[0];
  const at = `power ${first.detectPower}, alpha ${first.detectAlpha}, Brown-Forsythe, normal scores assumed`;
  const ratios = compared.map(s => s.detectableStdRatio);
  if (ratios.some(r => r === null)) {
    return `Too few runs to detect any std difference against default (${at}); \`deni plan --detect-std-ratio\` says how many are needed.`;
  }
  const rs = ratios as number[];
  const lo = Math.min(...rs);
  const hi = Math.max(...rs);
  const text =
    lo.toFixed(2) === hi.toFixed(2)
      ? hi.toFixed(2)
      : `${lo.toFixed(2)}-${hi.toFixed(2)}`;
  return `Detectable with these runs: std / default <= ${text} (${at}).`;
}

/** Most configurations listed by name in a summary before "and N more". */
const MAX_CONFIG_LINES = 8;

/**
 * A few lines of plain text: status, run counts, progress, and per configuration the strategy with
 * the best mean and the one with the lowest std (with default's numbers beside them).
 */
export function summaryText(bundle: IReportBundle, digits = 2): string {
  const lines: string[] = [];
  const runs = bundle.stats.reduce((n, s) => n + s.runs, 0);
  const failed = bundle.stats.reduce((n, s) => n + s.failed, 0);
  const configs = new Map<string, IGroupStats[]>();
  for (const s of bundle.stats) {
    const id = configId(s);
    configs.set(id, [...(configs.get(id) ?? []), s]);
  }
  let head = `Sweep ${bundle.sweep}: ${bundle.status}.`;
  if (runs > 0) {
    head +=
      ` ${runs} runs in ${bundle.stats.length} groups (${configs.size} configuration` +
      `${configs.size === 1 ? '' : 's'})` +
      (failed > 0 ? `, ${failed} failed (macro-F1 below 100 / classes).` : '.');
  } else {
    head += ' No finished runs yet.';
  }
  lines.push(head);
  if (bundle.progress) {
    lines.push(`Progress: ${progressLine(bundle.progress)}`);
  }
  if (bundle.error) {
    lines.push(`Error: ${bundle.error}`);
  }
  if (bundle.timing) {
    const t = bundle.timing;
    lines.push(
      `Time on this machine: predicted ${formatDuration(t.predictedSeconds)}, measured ` +
        `${formatDuration(t.measuredSeconds)} (${(t.predictedSeconds / t.measuredSeconds).toFixed(2)} x) ` +
        `on ${t.workers} worker${t.workers === 1 ? '' : 's'}.`
    );
  }
  const f = (x: number) => x.toFixed(digits);
  let shown = 0;
  for (const group of configs.values()) {
    if (shown === MAX_CONFIG_LINES) {
      lines.push(
        `... and ${configs.size - MAX_CONFIG_LINES} more configurations`
      );
      break;
    }
    shown++;
    const best = group.reduce((a, b) => (b.mean > a.mean ? b : a));
    const steady = group.reduce((a, b) => (b.std < a.std ? b : a));
    const base = group.find(s => s.strategy === 'default');
    const name = `${group[0].dataset} / ${group[0].model} / ${group[0].tuning}`;
    let line =
      `${name}: best mean ${best.strategy} ${f(best.mean)} (${f(best.std)}), ` +
      `lowest std ${steady.strategy} ${f(steady.std)}`;
    if (base) {
      line += `; default ${f(base.mean)} (${f(base.std)})`;
    }
    lines.push(line);
    const power = detectableLine(group);
    if (power) {
      lines.push(`  ${power}`);
    }
  }
  return lines.join('\n');
}
