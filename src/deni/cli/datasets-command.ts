/** `deni datasets`: the data sets with their cards; `--fetch` caches paper sets. */
import { PAPER_DATASET_IDS } from '../contract/datasets';
import { CliError, EXIT_CODES, type CliCommand } from './common';

/** Registers `deni datasets`. */
export const datasetsCommand: CliCommand = program => {
  program
    .command('datasets')
    .description(
      'List the data sets (built-in, paper sets from the Hub) with their cards.'
    )
    .option('--json', 'print JSON')
    .option(
      '--fetch <names...>',
      `download paper data sets (${PAPER_DATASET_IDS.join(', ')}) into the cache, for offline use`
    )
    .action(async (opts: { json?: boolean; fetch?: string[] }) => {
      const { fetchHubDataset, formatDataCards, listDatasets } =
        await import('../data');
      if (opts.fetch) {
        for (const name of opts.fetch) {
          try {
            const { terminalReporter } = await import('../hub');
            const r = await fetchHubDataset(
              name,
              terminalReporter(m => process.stderr.write(`${m}\n`))
            );
            process.stdout.write(
              `${name}: ${r.repo} commit ${r.commit}, ${r.files.length} file(s) cached\n`
            );
          } catch (e) {
            throw new CliError(
              `could not fetch ${name}: ${(e as Error).message}`,
              EXIT_CODES.runFailure
            );
          }
        }
        return;
      }
      if (opts.json) {
        // The cards plus where each is available: the widget's data set picker lists exactly these.
        const { datasetChoices } = await import('../planning');
        const choices = new Map(datasetChoices().map(c => [c.id, c]));
        const cards = listDatasets().map(c => ({
          ...c,
          availability: choices.get(c.id)?.availability
        }));
        process.stdout.write(`${JSON.stringify(cards, null, 2)}\n`);
        return;
      }
      process.stdout.write(`${formatDataCards()}\n`);
    });
};
