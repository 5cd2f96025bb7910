import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Draws each figure spec (`*.plotly.json`, relative to root) as the PNG beside it with
 * `notebooks/render_figure.py` (plotly.js in headless Debian chromium; nothing is fetched).
 */
export function renderFigurePngs(root: string, specs: readonly string[]): void {
  const script = path.join(root, 'notebooks/render_figure.py');
  const venv = path.join(root, '.venv/bin/python');
  const python = existsSync(venv) ? venv : 'python3';
  for (const spec of specs) {
    const file = path.join(root, spec);
    const { id } = JSON.parse(readFileSync(file, 'utf8')) as { id: string };
    const png = file.replace(/\.plotly\.json$/, '.png');
    execFileSync(python, [script, file, id, png], { stdio: 'inherit' });
  }
}
