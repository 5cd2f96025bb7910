/**
 * The one way this plugin builds DOM from bundle data: text always goes through `textContent`
 * and attributes through `setAttribute`, never `innerHTML`, so a hostile string stays text.
 */

/** Options of {@link el}. */
export interface IElementOptions {
  className?: string;
  text?: string;
  attrs?: Record<string, string>;
  title?: string;
}

/** Create an element with class, text (as `textContent`) and attributes, then append children. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  options: IElementOptions = {},
  children: (Node | null | undefined)[] = []
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (options.className) {
    node.className = options.className;
  }
  if (options.text !== undefined) {
    node.textContent = options.text;
  }
  if (options.title !== undefined) {
    node.title = options.title;
  }
  for (const [name, value] of Object.entries(options.attrs ?? {})) {
    node.setAttribute(name, value);
  }
  for (const child of children) {
    if (child) {
      node.appendChild(child);
    }
  }
  return node;
}

/** Format a number for tables: fixed decimals, an en dash for missing or non-finite values. */
export function fmt(value: number | undefined | null, digits = 2): string {
  if (value === undefined || value === null || !Number.isFinite(value)) {
    return '\u2013';
  }
  return value.toFixed(digits);
}

/** Format a p-value: two significant digits, `< 0.001` for tiny ones. */
export function fmtP(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) {
    return '\u2013';
  }
  return value < 0.001 ? '< 0.001' : value.toPrecision(2);
}

/** Seconds as `1 h 2 min`, `3 min 4 s` or `5 s` (for ETAs and wall times). */
export function fmtDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) {
    return '\u2013';
  }
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  if (h > 0) {
    return `${h} h ${m} min`;
  }
  if (m > 0) {
    return `${m} min ${r} s`;
  }
  return `${r} s`;
}
