/** `deni experiments`: EXPERIMENTS.md's tables and figures from the committed runs. */
import { CliError, type CliCommand } from './common';

/** Registers `deni experiments`. */
export const experimentsCommand: CliCommand = program => {
  program
    .command('experiments')
    .description(
      'Regenerate the tables and figures of EXPERIMENTS.md from experiments/<study>/runs.jsonl (no training). ' +
        'Markers address a sweep as STUDY/SWEEP (plain STUDY when its runs file holds one sweep).'
    )
    .option(
      '--root <dir>',
      'repository root holding EXPERIMENTS.md and experiments/',
      '.'
    )
    .option(
      '--check',
      'only compare: exit 1 when EXPERIMENTS.md or a figure is out of date'
    )
    .option(
      '--png',
      'also draw each figure as PNG (notebooks/render_figure.py, Debian chromium)'
    )
    .action(async (opts: { root: string; check?: boolean; png?: boolean }) => {
      const { regenerateExperiments, renderFigurePngs } =
        await import('../experiments');
      try {
        const out = await regenerateExperiments(opts.root, {
          check: opts.check
        });
        if (opts.png && !opts.check) {
          renderFigurePngs(opts.root, [...out.figures.keys()]);
        }
        process.stdout.write(
          `EXPERIMENTS.md ${opts.check ? 'is up to date with' : 'regenerated from'} the runs of ${out.sweeps.join(', ') || 'no study'}` +
            ` (${out.figures.size} figure(s))\n`
        );
      } catch (e) {
        throw new CliError((e as Error).message, 1);
      }
    });
};
