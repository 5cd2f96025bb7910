import { BUILTIN_DATASETS } from './builtin';
import { cachedHubDataset, cachedHubDir, PAPER_DATASETS } from './hub';
import type { IDatasetCard, ILoadOptions } from './types';

/** Cards of every named data set: built-in offline sets first, then the paper's Hub sets. */
export function listDatasets(): IDatasetCard[] {
  const builtin = Object.values(BUILTIN_DATASETS).map(b => b.card);
  const hub = Object.values(PAPER_DATASETS).map((s): IDatasetCard => ({
    id: s.id,
    name: s.name,
    task: s.task,
    classes: s.labels,
    size: s.size,
    provenance: s.provenance,
    licence: s.licence,
    package: `Hugging Face Hub ${s.repo}${s.config === 'default' ? '' : ` (config ${s.config})`}, Parquet conversion (refs/convert/parquet), splits ${s.splits.join(' + ')}`,
    source: 'hub',
    maxLength: s.maxLength,
    notes:
      'labelled splits pooled as in the paper; rows with label -1 dropped; needs `deni datasets --fetch ' +
      s.id +
      '` once with internet (or a copied cache)'
  }));
  return [...builtin, ...hub];
}

/** The card of one id (built-in or paper name, `hf:` prefix allowed), or undefined. */
export function findDatasetCard(id: string): IDatasetCard | undefined {
  const key = id.replace(/^hf:/, '');
  return listDatasets().find(c => c.id === key);
}

/** Where a card's data is: offline in a package, or the Hub cache state. */
function availability(c: IDatasetCard, opts: ILoadOptions): string {
  if (c.source !== 'hub') {
    return 'built-in, offline';
  }
  const r = cachedHubDataset(c.id, opts);
  return r
    ? `Hugging Face Hub, commit ${r.commit} cached in ${cachedHubDir(c.id, opts)}`
    : 'Hugging Face Hub, not fetched yet';
}

/**
 * Plain-text data cards, as `deni datasets` prints them; Hub sets say whether they are in the
 * cache (`opts.cacheDir` / the standard Hub cache) and at which commit.
 */
export function formatDataCards(
  cards: IDatasetCard[] = listDatasets(),
  opts: ILoadOptions = {}
): string {
  const blocks = cards.map(c =>
    [
      `${c.id}  ${c.name}  [${availability(c, opts)}]`,
      `  task:       ${c.task}`,
      `  classes:    ${c.classes.length}: ${c.classes.join(', ')}`,
      `  size:       ${c.size.toLocaleString('en-US')} labelled samples${c.source === 'hub' ? ' (as documented)' : ''}`,
      `  max length: ${c.maxLength} tokens`,
      `  source:     ${c.package}`,
      `  provenance: ${c.provenance}`,
      `  licence:    ${c.licence}`,
      ...(c.notes ? [`  notes:      ${c.notes}`] : [])
    ].join('\n')
  );
  return (
    blocks.join('\n\n') +
    '\n\nOther Hub sets: hf:owner/name or hf:owner/name:config (all splits of the Parquet conversion pooled; text from ' +
    'text/sentence/content/question/..., label from label/labels/category/...; class names from the ClassLabel feature).' +
    '\nLocal files: { path, textColumn, labelColumn, pairColumn?, labels?, format? } for CSV/TSV, JSONL or Parquet.\n'
  );
}
