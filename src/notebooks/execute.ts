/**
 * Test support for the notebooks of `notebooks/`: a private kernel build with its kernelspec in a
 * temporary JUPYTER_PATH (so the tests never depend on what `dist/` or the installed kernelspec
 * hold), papermill-style parameter injection, headless execution with the project's
 * `jupyter nbconvert --execute`, and the outputs a notebook must show.
 */
import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  writeFileSync
} from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { installKernelspec } from '../kernel-bridge/kernelspec';
import { buildKernel, REPO_ROOT } from '../kernel-bridge/testing/kernel-client';
import {
  PLOTLY_MIME,
  REPORT_MIME,
  type IReportBundle
} from '../deni/report/types';

export { REPO_ROOT };

/** The project's Python environment (created by the setup script). */
export const VENV_PYTHON = resolve(REPO_ROOT, '.venv/bin/python');
/** The notebooks folder. */
export const NOTEBOOKS = resolve(REPO_ROOT, 'notebooks');

/** One notebook cell (nbformat 4), as much of it as the tests read. */
export interface INotebookCell {
  cell_type: 'code' | 'markdown' | 'raw';
  source: string | string[];
  metadata: { tags?: string[] } & Record<string, unknown>;
  outputs?: INotebookOutput[];
}

/** One output of a code cell. */
export interface INotebookOutput {
  output_type: 'stream' | 'display_data' | 'execute_result' | 'error';
  data?: Record<string, unknown>;
  text?: string | string[];
  ename?: string;
  evalue?: string;
}

/** A notebook file (nbformat 4). */
export interface INotebook {
  cells: INotebookCell[];
  metadata: { kernelspec?: { name: string; display_name: string } } & Record<
    string,
    unknown
  >;
  nbformat: number;
  nbformat_minor: number;
}

/** Source of a cell as one string. */
export function cellSource(cell: INotebookCell): string {
  return Array.isArray(cell.source) ? cell.source.join('') : cell.source;
}

/** Reads a notebook. */
export function readNotebook(path: string): INotebook {
  return JSON.parse(readFileSync(path, 'utf8')) as INotebook;
}

/**
 * Papermill-style injection: the cell tagged `parameters` is replaced by assignments of the given
 * values (TypeScript `const` declarations). Throws when the notebook has no such cell.
 */
export function injectParameters(
  nb: INotebook,
  params: Record<string, string | number | boolean>
): INotebook {
  const at = nb.cells.findIndex(c => c.metadata.tags?.includes('parameters'));
  if (at < 0) {
    throw new Error(
      'the notebook has no cell tagged `parameters` to inject into'
    );
  }
  const source = Object.entries(params)
    .map(([name, value]) => `const ${name} = ${JSON.stringify(value)};`)
    .join('\n');
  const cells = nb.cells.slice();
  cells[at] = {
    ...cells[at],
    source: `// Injected parameters.\n${source}`,
    metadata: { ...cells[at].metadata, tags: ['injected-parameters'] },
    outputs: []
  };
  return { ...nb, cells };
}

/** A workspace with a private kernel build and its kernelspec; notebooks execute inside it. */
export interface IWorkspace {
  dir: string;
  jupyterPath: string;
  kernelScript: string;
}

/** Builds the kernel into a fresh folder under the repository's .cache and installs its spec there. */
export async function makeWorkspace(): Promise<IWorkspace> {
  mkdirSync(join(REPO_ROOT, '.cache'), { recursive: true });
  const dir = mkdtempSync(join(REPO_ROOT, '.cache', 'notebooks-test-'));
  const kernelScript = await buildKernel(join(dir, 'kernel'));
  const jupyterPath = join(dir, 'jupyter');
  installKernelspec({ jupyterPath }, kernelScript);
  return { dir, jupyterPath, kernelScript };
}

/** The outcome of executing a notebook. */
export interface IExecuted {
  notebook: INotebook;
  seconds: number;
  path: string;
}

/**
 * Executes `nb` headless in `ws` (its working directory, so its result store is
 * `<ws>/.deni/results.sqlite`) with `jupyter nbconvert --execute` on the workspace's kernel.
 * Rejects with nbconvert's output when a cell fails.
 */
export async function executeNotebook(
  ws: IWorkspace,
  nb: INotebook,
  name: string,
  timeoutSeconds: number
): Promise<IExecuted> {
  const input = join(ws.dir, name);
  writeFileSync(input, JSON.stringify(nb, null, 1));
  const output = join(ws.dir, `executed-${basename(name)}`);
  const started = Date.now();
  await new Promise<void>((res, rej) => {
    execFile(
      VENV_PYTHON,
      [
        '-m',
        'jupyter',
        'nbconvert',
        '--to',
        'notebook',
        '--execute',
        `--ExecutePreprocessor.timeout=${timeoutSeconds}`,
        '--ExecutePreprocessor.kernel_name=deni',
        '--output',
        output,
        input
      ],
      {
        cwd: ws.dir,
        env: { ...process.env, JUPYTER_PATH: ws.jupyterPath },
        maxBuffer: 64 * 1024 * 1024
      },
      (err, stdout, stderr) =>
        err
          ? rej(new Error(`nbconvert failed on ${name}:\n${stderr}\n${stdout}`))
          : res()
    );
  });
  return {
    notebook: readNotebook(output),
    seconds: (Date.now() - started) / 1000,
    path: output
  };
}

/** All outputs of a notebook's code cells. */
export function outputsOf(nb: INotebook): INotebookOutput[] {
  return nb.cells.flatMap(c => c.outputs ?? []);
}

/** The report bundles a notebook shows (final state of each `%%deni sweep` / report display). */
export function reportsOf(nb: INotebook): IReportBundle[] {
  return outputsOf(nb)
    .map(o => o.data?.[REPORT_MIME] as IReportBundle | undefined)
    .filter(
      (b): b is IReportBundle => b !== undefined && b.status !== 'running'
    );
}

/**
 * What a finished comparison must show: a report whose tables have rows with numbers, at least
 * one figure with data, the plotly figure beside it and an HTML table for other front ends.
 * Returns the problems (empty when all is there).
 */
export function reportProblems(nb: INotebook): string[] {
  const problems: string[] = [];
  const errors = outputsOf(nb).filter(o => o.output_type === 'error');
  for (const e of errors) {
    problems.push(`error output ${e.ename}: ${e.evalue}`);
  }
  const withReport = outputsOf(nb).filter(
    o => o.data?.[REPORT_MIME] !== undefined
  );
  const reports = reportsOf(nb);
  if (reports.length === 0) {
    problems.push('no finished report bundle in the outputs');
  }
  for (const r of reports) {
    if (r.status !== 'done') {
      problems.push(`report ${r.sweep} has status ${r.status}`);
    }
    const cells = r.tables
      .flatMap(t => t.rows.flatMap(row => row.cells))
      .filter(c => c !== null);
    if (
      cells.length === 0 ||
      !cells.every(c => c !== null && Number.isFinite(c.mean))
    ) {
      problems.push(`report ${r.sweep} has no table cells with numbers`);
    }
    if (r.figures.length === 0 || !r.figures.some(f => f.data.length > 0)) {
      problems.push(`report ${r.sweep} has no figure with data`);
    }
  }
  for (const o of withReport) {
    if (o.data?.[PLOTLY_MIME] === undefined) {
      problems.push('a report output lacks its plotly figure');
    }
    if (!/<table/i.test(String(o.data?.['text/html'] ?? ''))) {
      problems.push('a report output lacks its HTML table');
    }
  }
  return problems;
}

/** True when the real default model is in the model cache (scripts/prepare-models.sh). */
export function defaultModelCached(): boolean {
  const cache =
    process.env.DENI_CACHE ??
    join(process.env.HOME ?? '', '.cache/jupyterlab-deni/models');
  return existsSync(join(cache, 'minilm-l6', 'model.safetensors'));
}
