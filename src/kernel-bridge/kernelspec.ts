/**
 * The `deni` kernelspec: its kernel.json and installing it where Jupyter looks
 * (`<prefix>/share/jupyter/kernels/deni`, the user data dir, or a JUPYTER_PATH entry).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** The kernel's name in `jupyter kernelspec list` and in notebooks' metadata. */
export const KERNEL_NAME = 'deni';

/** The launcher's display name. */
export const DISPLAY_NAME = 'DENI (TypeScript)';

/** The kernel.json document. */
export interface IKernelSpecJson {
  argv: string[];
  display_name: string;
  language: string;
  interrupt_mode: 'message' | 'signal';
  env?: Record<string, string>;
  metadata: Record<string, unknown>;
}

/** kernel.json for a kernel started as `node <script> -f {connection_file}`. */
export function kernelSpecJson(
  kernelScript: string,
  nodePath = process.execPath
): IKernelSpecJson {
  return {
    argv: [nodePath, resolve(kernelScript), '-f', '{connection_file}'],
    display_name: DISPLAY_NAME,
    language: 'typescript',
    interrupt_mode: 'message',
    metadata: { debugger: false }
  };
}

/** Where to install: exactly one of these. */
export interface IInstallTarget {
  /** `<prefix>/share/jupyter/kernels/deni` (e.g. the project's .venv). */
  prefix?: string;
  /** The user's Jupyter data dir. */
  user?: boolean;
  /** The active Python environment (VIRTUAL_ENV / CONDA_PREFIX). */
  sysPrefix?: boolean;
  /** A JUPYTER_PATH / data directory: `<dir>/kernels/deni` (tests use a temp dir). */
  jupyterPath?: string;
}

/** The user's Jupyter data directory, as jupyter_core computes it on this platform. */
export function userDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.JUPYTER_DATA_DIR) {
    return env.JUPYTER_DATA_DIR;
  }
  if (process.platform === 'darwin') {
    return join(homedir(), 'Library', 'Jupyter');
  }
  if (process.platform === 'win32') {
    return join(env.APPDATA ?? homedir(), 'jupyter');
  }
  return join(
    env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'),
    'jupyter'
  );
}

/** The kernels directory a target resolves to. */
export function kernelsDir(
  target: IInstallTarget,
  env: NodeJS.ProcessEnv = process.env
): string {
  const chosen = [
    target.prefix,
    target.user,
    target.sysPrefix,
    target.jupyterPath
  ].filter(x => x !== undefined && x !== false);
  if (chosen.length !== 1) {
    throw new Error(
      `choose exactly one install target: --prefix PATH, --user, --sys-prefix or --jupyter-path DIR (got ${chosen.length})`
    );
  }
  if (target.jupyterPath) {
    return join(resolve(target.jupyterPath), 'kernels');
  }
  if (target.prefix) {
    return join(resolve(target.prefix), 'share', 'jupyter', 'kernels');
  }
  if (target.user) {
    return join(userDataDir(env), 'kernels');
  }
  const prefix = env.VIRTUAL_ENV ?? env.CONDA_PREFIX;
  if (!prefix) {
    throw new Error(
      '--sys-prefix needs an active Python environment (VIRTUAL_ENV or CONDA_PREFIX is unset); use --prefix PATH instead'
    );
  }
  return join(prefix, 'share', 'jupyter', 'kernels');
}

/** Writes `kernels/deni/kernel.json`; returns the kernelspec directory. */
export function installKernelspec(
  target: IInstallTarget,
  kernelScript: string,
  options: { nodePath?: string; env?: NodeJS.ProcessEnv } = {}
): string {
  const dir = join(kernelsDir(target, options.env), KERNEL_NAME);
  mkdirSync(dir, { recursive: true });
  const spec = kernelSpecJson(kernelScript, options.nodePath);
  writeFileSync(join(dir, 'kernel.json'), `${JSON.stringify(spec, null, 2)}\n`);
  return dir;
}
