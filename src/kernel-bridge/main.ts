/**
 * Entry point of dist/kernel.mjs:
 *   node dist/kernel.mjs -f <connection_file>          run the kernel (what kernel.json does)
 *   node dist/kernel.mjs install --prefix P | --user | --sys-prefix | --jupyter-path DIR
 * The kernel also runs this bundle as its sidecar thread (workerData says so) and that thread
 * forks it as the sidecar process (argv says so, with an IPC channel): sidecar-messages.ts.
 */
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { dirname, resolve } from 'node:path';
import type { IInstallTarget } from './kernelspec';
import { SIDECAR_PROCESS_ARG, isSidecarThreadData } from './sidecar-messages';

// Each role imports what it needs when it starts: in the split build (dist/, chunks/) the
// sidecar thread and process then never load the kernel's own dependencies (typescript).

const USAGE = `usage:
  node dist/kernel.mjs -f <connection_file>
  node dist/kernel.mjs install (--prefix PATH | --user | --sys-prefix | --jupyter-path DIR)`;

/** The file kernel.json must run: this bundle, or dist/kernel.mjs when run from sources. */
function kernelScript(): string {
  const self = fileURLToPath(import.meta.url);
  return self.endsWith('.ts')
    ? resolve(dirname(self), '../../dist/kernel.mjs')
    : self;
}

function installTarget(args: string[]): IInstallTarget {
  const target: IInstallTarget = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const value = (): string => {
      const v = args[++i];
      if (v === undefined || v.startsWith('--')) {
        throw new Error(`${arg} needs a path\n${USAGE}`);
      }
      return v;
    };
    if (arg === '--prefix') {
      target.prefix = value();
    } else if (arg === '--user') {
      target.user = true;
    } else if (arg === '--sys-prefix') {
      target.sysPrefix = true;
    } else if (arg === '--jupyter-path') {
      target.jupyterPath = value();
    } else {
      throw new Error(
        `unknown install option ${JSON.stringify(arg)}\n${USAGE}`
      );
    }
  }
  return target;
}

async function main(argv: string[]): Promise<void> {
  if (argv[0] === 'install') {
    const { installKernelspec } = await import('./kernelspec');
    const dir = installKernelspec(installTarget(argv.slice(1)), kernelScript());
    process.stdout.write(`installed kernelspec deni in ${dir}\n`);
    return;
  }
  const f = argv.findIndex(a => a === '-f' || a === '--connection-file');
  const inline = argv.find(a => a.startsWith('--connection-file='));
  const file = inline ? inline.split('=')[1] : f >= 0 ? argv[f + 1] : undefined;
  if (!file) {
    throw new Error(`no connection file given\n${USAGE}`);
  }
  const [{ loadEngine }, { startKernel }] = await Promise.all([
    import('./engine-loader'),
    import('./start')
  ]);
  // The engine loads while the sockets bind; requests that need it wait for it.
  const engine = loadEngine(fileURLToPath(import.meta.url), line =>
    process.stderr.write(`[deni-kernel] ${line}\n`)
  );
  // The bundle doubles as the sidecar's script (heartbeat and control, sidecar-messages.ts).
  const self = fileURLToPath(import.meta.url);
  await startKernel(file, engine, self.endsWith('.ts') ? undefined : self);
}

if (!isMainThread && isSidecarThreadData(workerData) && parentPort) {
  const [data, port] = [workerData, parentPort];
  void import('./sidecar-thread').then(m => m.runSidecarThread(data, port));
} else if (process.argv[2] === SIDECAR_PROCESS_ARG && process.send) {
  void import('./sidecar-process').then(m => m.runSidecarProcess());
} else {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(
      `deni kernel: ${err instanceof Error ? err.message : String(err)}\n`
    );
    process.exit(2);
  });
}
