/** The `%%deni sweep` cell text the widget writes, and reading a sweep's name back from a cell. */
import YAML from 'yaml';

/** First line of a sweep cell. */
export const SWEEP_MAGIC = '%%deni sweep';

/** A spec as YAML (block style, keys in the form's order, no line folding). */
export function specToYaml(spec: Record<string, unknown>): string {
  return YAML.stringify(spec, { lineWidth: 0, indent: 2 });
}

/** The whole cell: the magic line, then the spec as YAML (no trailing newline). */
export function sweepCellSource(spec: Record<string, unknown>): string {
  return `${SWEEP_MAGIC}\n${specToYaml(spec).trimEnd()}`;
}

/**
 * The sweep name of a `%%deni sweep` cell, or null when the cell is no sweep cell or its YAML
 * has no string `name` (a broken body is the kernel's to report, not ours).
 */
export function sweepNameOfSource(source: string): string | null {
  const lines = source.split(/\r?\n/);
  const first = lines.findIndex(l => l.trim() !== '');
  if (first < 0 || !/^\s*%%deni\s+sweep\b/.test(lines[first])) {
    return null;
  }
  try {
    const body: unknown = YAML.parse(lines.slice(first + 1).join('\n'));
    if (
      typeof body === 'object' &&
      body !== null &&
      typeof (body as { name?: unknown }).name === 'string'
    ) {
      return (body as { name: string }).name;
    }
  } catch {
    return null;
  }
  return null;
}

/** The `store` of a sweep cell's YAML, when it names one. */
export function sweepStoreOfSource(source: string): string | undefined {
  const lines = source.split(/\r?\n/);
  const first = lines.findIndex(l => l.trim() !== '');
  if (first < 0 || !/^\s*%%deni\s+sweep\b/.test(lines[first])) {
    return undefined;
  }
  try {
    const body: unknown = YAML.parse(lines.slice(first + 1).join('\n'));
    const store =
      typeof body === 'object' && body !== null
        ? (body as { store?: unknown }).store
        : undefined;
    return typeof store === 'string' ? store : undefined;
  } catch {
    return undefined;
  }
}
