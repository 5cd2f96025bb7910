/**
 * Turns a figure spec from a report bundle into data plotly may draw, under one rule:
 * a figure is DATA ONLY. Bundles come from notebooks, which may come from anyone, so:
 *
 * 1. Only plain JSON survives (objects, arrays, strings, finite numbers, booleans, null), at most
 *    {@link MAX_DEPTH} levels deep. Keys must look like plotly attribute names
 *    (`/^[A-Za-z][A-Za-z0-9_]*$/`), which also rules out `__proto__`.
 * 2. Keys that carry templates, markup, UI that calls plotly methods, or remote content are
 *    dropped wherever they appear: {@link DROPPED_KEYS} (`hovertemplate`, `texttemplate`,
 *    `template`, `updatemenus`, `sliders`, `images`, `transforms`, `meta`, ...).
 * 3. Every string is HTML-escaped (`&`, `<`, `>` become entities), so plotly's pseudo-HTML text
 *    (`<a href>`, `<b>`, `<br>`) shows up as literal text: no links, no markup.
 * 4. Only chart types the reports use are drawn ({@link ALLOWED_TRACE_TYPES}); other traces
 *    (maps, which fetch remote tiles; 3-D, ...) are dropped.
 * 5. The plotly `config` never comes from the bundle: the renderer sets its own (no links to
 *    plotly's cloud, not editable, no MathJax typesetting).
 */

/** Keys removed at any depth (see the module comment, rule 2). */
export const DROPPED_KEYS: ReadonlySet<string> = new Set([
  'hovertemplate',
  'hovertemplatefallback',
  'texttemplate',
  'texttemplatefallback',
  'template',
  'updatemenus',
  'sliders',
  'images',
  'transforms',
  'meta',
  'mapbox',
  'map',
  'geo',
  'href',
  'link',
  'source'
]);

/** Trace types that may be drawn (rule 4); a trace without `type` is a scatter. */
export const ALLOWED_TRACE_TYPES: ReadonlySet<string> = new Set([
  'box',
  'violin',
  'scatter',
  'scattergl',
  'bar',
  'histogram',
  'heatmap'
]);

/** Deepest nesting kept (rule 1). */
export const MAX_DEPTH = 16;

const KEY_PATTERN = /^[A-Za-z][A-Za-z0-9_]*$/;

/** A JSON value after sanitising. */
export type SafeJSON =
  string | number | boolean | null | SafeJSON[] | { [key: string]: SafeJSON };

/** The figure plotly will draw, plus what was removed (paths), for diagnostics and tests. */
export interface ISanitizedFigure {
  data: { [key: string]: SafeJSON }[];
  layout: { [key: string]: SafeJSON };
  dropped: string[];
}

/** HTML-escape a string for plotly's pseudo-HTML text renderer (rule 3). */
export function escapePlotlyText(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

function clean(
  value: unknown,
  path: string,
  depth: number,
  dropped: string[]
): SafeJSON | undefined {
  if (value === null) {
    return null;
  }
  switch (typeof value) {
    case 'string':
      return escapePlotlyText(value);
    case 'number':
      if (Number.isFinite(value)) {
        return value;
      }
      dropped.push(path);
      return null;
    case 'boolean':
      return value;
    case 'object':
      break;
    default:
      dropped.push(path);
      return undefined;
  }
  if (depth >= MAX_DEPTH) {
    dropped.push(path);
    return undefined;
  }
  if (Array.isArray(value)) {
    return value.map(
      (item, i) => clean(item, `${path}[${i}]`, depth + 1, dropped) ?? null
    );
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    dropped.push(path);
    return undefined;
  }
  const out: { [key: string]: SafeJSON } = {};
  for (const key of Object.keys(value)) {
    const sub = `${path}.${key}`;
    if (!KEY_PATTERN.test(key) || DROPPED_KEYS.has(key)) {
      dropped.push(sub);
      continue;
    }
    const v = clean(
      (value as Record<string, unknown>)[key],
      sub,
      depth + 1,
      dropped
    );
    if (v !== undefined) {
      out[key] = v;
    }
  }
  return out;
}

/** Apply the data-only rule (module comment) to a figure's traces and layout. */
export function sanitizeFigure(
  data: ReadonlyArray<unknown>,
  layout: unknown
): ISanitizedFigure {
  const dropped: string[] = [];
  const traces: { [key: string]: SafeJSON }[] = [];
  data.forEach((trace, i) => {
    const cleaned = clean(trace, `data[${i}]`, 0, dropped);
    if (
      cleaned === null ||
      typeof cleaned !== 'object' ||
      Array.isArray(cleaned)
    ) {
      dropped.push(`data[${i}]`);
      return;
    }
    const type = cleaned.type ?? 'scatter';
    if (typeof type !== 'string' || !ALLOWED_TRACE_TYPES.has(type)) {
      dropped.push(`data[${i}] (type ${String(type)})`);
      return;
    }
    traces.push(cleaned);
  });
  const cleanedLayout = clean(layout ?? {}, 'layout', 0, dropped);
  const safeLayout =
    cleanedLayout !== null &&
    typeof cleanedLayout === 'object' &&
    !Array.isArray(cleanedLayout)
      ? cleanedLayout
      : {};
  return { data: traces, layout: safeLayout, dropped };
}
