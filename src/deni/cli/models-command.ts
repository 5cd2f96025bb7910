/** `deni models`: the built-in models and whether each is cached. */
import type { CliCommand } from './common';

/** Registers `deni models`. */
export const modelsCommand: CliCommand = program => {
  program
    .command('models')
    .description('List the built-in models and whether each is cached.')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const { modelChoices } = await import('../planning');
      const models = modelChoices();
      process.stdout.write(
        opts.json
          ? `${JSON.stringify(models, null, 2)}\n`
          : models
              .map(
                m =>
                  `${m.name}\t${m.cached ? 'cached' : 'not cached'}\t${m.dir}`
              )
              .join('\n') + '\n'
      );
    });
};
