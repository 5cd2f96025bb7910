/** `deni doctor`: which back-ends work here and why not, the Hub settings, the caches, the fixes. */
import type { CliCommand } from './common';

/** Registers `deni doctor`. */
export const doctorCommand: CliCommand = program => {
  program
    .command('doctor')
    .description(
      'Check every back-end (native TensorFlow, WebGPU, wasm, cpu) on this machine, the Hub settings and the caches, and print the commands that fix what is missing. A GPU user runs this first.'
    )
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const { formatDoctor, runDoctor } = await import('../doctor');
      const report = runDoctor();
      process.stdout.write(
        opts.json
          ? `${JSON.stringify(report, null, 2)}\n`
          : `${formatDoctor(report)}\n`
      );
    });
};
