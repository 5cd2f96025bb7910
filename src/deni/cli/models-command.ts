/** `deni models`: the built-in models, whether each is cached and at which Hub commit; `--fetch` downloads. */
import { CliError, EXIT_CODES, type CliCommand } from './common';

/** Registers `deni models`. */
export const modelsCommand: CliCommand = program => {
  program
    .command('models')
    .description(
      'List the built-in models, whether each is cached and at which Hub commit; --fetch downloads.'
    )
    .option('--json', 'print JSON')
    .option(
      '--fetch <ids...>',
      'download models (built-in names or hf:owner/name) into the Hub cache, for offline use'
    )
    .option(
      '--revision <rev>',
      'with --fetch: a commit, branch or tag (default main)'
    )
    .action(
      async (opts: { json?: boolean; fetch?: string[]; revision?: string }) => {
        const { resolveModelPinned } = await import('../model');
        if (opts.fetch) {
          const { terminalReporter } = await import('../hub');
          for (const id of opts.fetch) {
            try {
              const r = await resolveModelPinned(id, {
                revision: opts.revision,
                ...terminalReporter(m => process.stderr.write(`${m}\n`))
              });
              process.stdout.write(
                `${id}: ${r.hub ? `${r.hub.repo} commit ${r.hub.commit}, ` : ''}ready in ${r.dir}\n`
              );
            } catch (e) {
              throw new CliError(
                `could not fetch ${id}: ${(e as Error).message}`,
                EXIT_CODES.runFailure
              );
            }
          }
          return;
        }
        const { modelChoices } = await import('../planning');
        const models = modelChoices();
        process.stdout.write(
          opts.json
            ? `${JSON.stringify(models, null, 2)}\n`
            : models
                .map(
                  m =>
                    `${m.name}\t${m.cached ? (m.commit ? `cached at ${m.commit}` : 'cached (prepared folder)') : 'not cached'}\t${m.dir}`
                )
                .join('\n') + '\n'
        );
      }
    );
};
