/** `deni strategies`: the mitigation strategies and their parameters. */
import type { CliCommand } from './common';

/** Registers `deni strategies`. */
export const strategiesCommand: CliCommand = program => {
  program
    .command('strategies')
    .description('List the mitigation strategies and their parameters.')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const { listStrategies } = await import('../strategies');
      const list = listStrategies().map(s => ({
        name: s.name,
        description: s.description,
        params: s.params
      }));
      process.stdout.write(
        opts.json
          ? `${JSON.stringify(list, null, 2)}\n`
          : list.map(s => `${s.name.padEnd(15)} ${s.description}`).join('\n') +
              '\n'
      );
    });
};
