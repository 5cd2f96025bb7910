/**
 * The seven data sets of PAPER.md, declared once, in the paper's order, with the names they are
 * also written as and their max-length default (50 tokens for SST-2, MRPC, AG News and DBpedia,
 * 25 for CoLA, TREC and SNIPS). Sweep expansion, the report's order and the Hub registry
 * (src/deni/data/hub-sets.ts, keyed by these ids) derive from it. Other data sets (built-in
 * offline sets, local files, any `hf:` repo) are open-ended and live in src/deni/data.
 */
export const PAPER_DATASET_DEFINITIONS = [
  { id: 'sst2', aliases: [], maxLength: 50 },
  { id: 'cola', aliases: [], maxLength: 25 },
  { id: 'mrpc', aliases: [], maxLength: 50 },
  { id: 'ag_news', aliases: ['agnews'], maxLength: 50 },
  { id: 'trec', aliases: [], maxLength: 25 },
  { id: 'snips', aliases: [], maxLength: 25 },
  { id: 'dbpedia', aliases: ['dbpedia_14'], maxLength: 50 }
] as const;

/** The id of a paper data set. */
export type PaperDatasetId = (typeof PAPER_DATASET_DEFINITIONS)[number]['id'];

/** Paper data set ids in the paper's order. */
export const PAPER_DATASET_IDS: readonly PaperDatasetId[] =
  PAPER_DATASET_DEFINITIONS.map(d => d.id);

/** Max-length default by paper id and alias (`agnews`, `dbpedia_14` included). */
export const PAPER_MAX_LENGTH: Readonly<Record<string, number>> =
  Object.fromEntries(
    PAPER_DATASET_DEFINITIONS.flatMap(d =>
      [d.id, ...d.aliases].map(name => [name, d.maxLength] as const)
    )
  );
