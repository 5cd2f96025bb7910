/** Documentation of every magic: `%deni help`, inspect replies and completion read it. */
import { TUNING_METHOD_NAMES } from '../../deni/contract/tuning-methods';

/** One magic's documentation. */
export interface IMagicDoc {
  /** `sweep` for `%%deni sweep`, `report` for `%deni report`. */
  command: string;
  /** `cell` magics take a body; `line` magics fit one line. */
  kind: 'cell' | 'line';
  usage: string;
  summary: string;
  details: string;
  /** Option names (without `--`) the magic accepts, for completion. */
  options?: string[];
}

/** All magics, in the order `%deni help` lists them. */
export const MAGICS: readonly IMagicDoc[] = [
  {
    command: 'sweep',
    kind: 'cell',
    usage:
      '%%deni sweep [--name N] [--store PATH] [--runs N] [--seed N] [--workers N]\n<YAML SweepSpec>',
    summary:
      'Run (or resume) a seed sweep described in YAML; ends in the report.',
    details: [
      'The body is a SweepSpec in YAML, validated by the JSON Schema of src/deni/sweep',
      '(sweep-spec.schema.json); an error names the line and the field. Example:',
      '',
      '  %%deni sweep',
      '  name: quick',
      '  dataset: sst2-mini',
      '  model: minilm-l6',
      '  tuning: [lora]',
      '  strategies: [default, deni]',
      '  runs: 5',
      '  budget: { samples: 64, epochs: 2, batchSize: 8, maxLength: 25 }',
      '',
      'One progress display updates in place (runs done, current run, ETA). Runs already in',
      'the result store are reused, so re-executing the cell after an interrupt resumes where',
      'it stopped. Interrupt (the stop button) lets runs in flight finish saving or cancels',
      'them cleanly; nothing half-written is kept.',
      '',
      'Parameters: `${expression}` anywhere in a magic cell (body or %deni line) is replaced',
      'by the value of the expression in the notebook context before parsing: strings as',
      'they are, numbers/booleans as text, objects/arrays as one-line JSON (a YAML flow',
      'mapping/sequence). `$${` is a literal `${`. With a papermill-style parameters cell',
      "`const profile = 'quick'` and a cell defining `const P = profiles[profile]`:",
      '',
      '  %%deni sweep',
      '  name: strategies-${profile}',
      '  dataset: ${P.dataset}',
      '  runs: ${P.runs}',
      '  budget: ${P.budget}'
    ].join('\n')
  },
  {
    command: 'plan',
    kind: 'line',
    usage: `%deni plan <strategy>[,<strategy>...] [--samples N] [--epochs N] [--batch N] [--tuning ${TUNING_METHOD_NAMES.join('|')}] [--json] [--K N] [--s2 X] ...`,
    summary:
      'Print the schedule and cost (model-steps) of strategies without training.',
    details: [
      'Shows what each strategy does at which optimiser step (copies, noise, averaging,',
      'ensemble start) and the model-steps it costs, computed from the budget alone.',
      'Defaults are the paper budget (1000 samples, 10 epochs, batch 8). --tuning names the',
      `tuning method the plan is for (${TUNING_METHOD_NAMES.join(', ')}; model-steps and the schedule`,
      'do not depend on it). --json adds an application/json output: {"plans": [{strategy,',
      'description, tuning, plan, events, cost}]}, one entry per strategy, besides the text.',
      'Any other `--name value` option overrides a strategy hyper-parameter (e.g. --K 5).',
      '',
      'Runs needed: --detect-std-ratio R [--power 0.8] [--alpha 0.05] [--pilot <sweep>] gives',
      "the runs per strategy that detect strategy std / default std = R with the report's",
      "Brown-Forsythe test, by seeded simulation from the pilot sweep's default runs (or, without",
      'one, normal scores). Strategy names are optional then. For a whole sweep (runs needed',
      'against its runs, expected wall time on this machine, warnings) use %%deni plan.'
    ].join('\n'),
    options: [
      'samples',
      'epochs',
      'batch',
      'tuning',
      'json',
      'detect-std-ratio',
      'power',
      'alpha',
      'pilot',
      'store'
    ]
  },
  {
    command: 'plan',
    kind: 'cell',
    usage:
      '%%deni plan [--detect-std-ratio R] [--power P] [--alpha A] [--pilot <sweep>] [--store PATH] [--no-measure]\n<YAML SweepSpec>',
    summary:
      'Plan a sweep without training: runs needed, expected wall time here, warnings.',
    details: [
      'The body is the same YAML as %%deni sweep. Prints the expected wall time of the sweep on',
      "this machine with its workers (the engine's step time for the model, back-end, batch and",
      'sequence length is measured once per machine and version, then cached), and with',
      "--detect-std-ratio the runs per strategy the question needs against the sweep's runs,",
      'with a warning when the sweep cannot answer it. Also an application/json output',
      '{"study": {power, estimate, warnings}} (the seed-sweep widget shows it live).'
    ].join('\n'),
    options: [
      'detect-std-ratio',
      'power',
      'alpha',
      'pilot',
      'store',
      'no-measure'
    ]
  },
  {
    command: 'report',
    kind: 'line',
    usage: '%deni report <sweep> [--store PATH]',
    summary: 'Show the figures and tables of a stored sweep again.',
    details:
      'Reads the runs of <sweep> from the result store (default .deni/results.sqlite) and\nrenders the report bundle: variance plots, paper-style tables, statistics.',
    options: ['store']
  },
  {
    command: 'datasets',
    kind: 'line',
    usage: '%deni datasets',
    summary:
      'List the data sets a sweep can use (built-in, paper sets, local files).',
    details:
      'Prints one card per data set: id, classes, sizes, source and licence.'
  },
  {
    command: 'models',
    kind: 'line',
    usage: '%deni models',
    summary: 'List the encoder models a sweep can use.',
    details:
      'Prints the known model ids, their architecture, size and where weights come from.'
  },
  {
    command: 'doctor',
    kind: 'line',
    usage: '%deni doctor',
    summary:
      'Check the back-ends, Hub settings and caches on this machine; a GPU user runs it first.',
    details:
      'For every back-end (native TensorFlow, WebGPU, wasm, cpu): usable here or not and why\n(binding built and loading, TensorFlow version, GPUs, CUDA/cuDNN libraries; Dawn, Vulkan\ndrivers, adapter; wasm SIMD and threads), the Hub endpoint and whether a token is set\n(never its value), the cache folders and sizes, and the commands that fix what is missing.'
  },
  {
    command: 'strategies',
    kind: 'line',
    usage: '%deni strategies',
    summary: 'List the mitigation strategies and their paper defaults.',
    details:
      'DENI, its ablations (de, ni) and every baseline of the paper, with hyper-parameters.'
  },
  {
    command: 'status',
    kind: 'line',
    usage: '%deni status [--store PATH]',
    summary: 'Show the kernel, the running sweep and the sweeps in the store.',
    details:
      'Kernel version and working directory, the sweep in progress (if any) and, per stored\nsweep, how many runs are done.',
    options: ['store']
  },
  {
    command: 'export',
    kind: 'line',
    usage: '%deni export <sweep> [--format csv|json] [--store PATH] [path]',
    summary:
      'Export the runs of a sweep as CSV or JSON (to a file, or shown inline).',
    details:
      'Without a path the exported text is shown in the notebook; with one it is written\nthere (format from --format, else from the file extension, else csv).',
    options: ['format', 'store']
  },
  {
    command: 'import',
    kind: 'line',
    usage: '%deni import <file> [--store PATH]',
    summary:
      'Seed the result store from a `deni export --format jsonl` file (committed runs of a study).',
    details:
      'Every sweep of the file is imported in one transaction: identical runs are skipped, a run\nstored with other values is an error naming its key. Executing the sweep cells afterwards\nreads the imported runs back instead of training them.',
    options: ['store']
  },
  {
    command: 'help',
    kind: 'line',
    usage: '%deni help [magic]',
    summary: 'This help, or the help of one magic.',
    details: [
      'Cells without a magic run as TypeScript/JavaScript in one persistent context (top-level',
      'declarations stay defined for later cells; top-level await works; the last expression',
      'is the result). The engine is `deni`:',
      "  deni.results('quick')   the stored run results of a sweep (one object per run)",
      "  deni.rows('quick')      the same runs as flat rows (the export columns), shown as a table",
      "  deni.report('quick')    the report; returned from a cell it renders like %deni report",
      '  deni.sweeps()           the sweeps in the store with their progress',
      '  deni.<name>             the rest of the engine library (runSweep, buildReport, ...)',
      'plus display(value), display.html(s), display.markdown(s), display.mime(bundle),',
      'display.clear() and require/import of npm packages and node: modules.'
    ].join('\n')
  }
];

/** Sub-commands of `%deni` and `%%deni`. */
export const LINE_COMMANDS = MAGICS.filter(m => m.kind === 'line').map(
  m => m.command
);
/** Sub-commands of `%%deni`. */
export const CELL_COMMANDS = MAGICS.filter(m => m.kind === 'cell').map(
  m => m.command
);

/** The doc of a magic by sub-command name. */
export function findMagic(command: string): IMagicDoc | undefined {
  return MAGICS.find(m => m.command === command);
}

/** The long help of one magic. */
export function magicHelp(doc: IMagicDoc): string {
  return `${doc.usage}\n\n${doc.summary}\n\n${doc.details}`;
}

/** `%deni help` text: every magic with its usage and summary. */
export function helpText(command?: string): string {
  if (command) {
    const doc = findMagic(command.replace(/^%+deni\s*/, ''));
    if (!doc) {
      throw new Error(
        `no magic named ${JSON.stringify(command)}; known: ${MAGICS.map(m => m.command).join(', ')}`
      );
    }
    return magicHelp(doc);
  }
  const lines = ['DENI kernel magics', ''];
  for (const doc of MAGICS) {
    const head =
      doc.kind === 'cell' ? `%%deni ${doc.command}` : `%deni ${doc.command}`;
    lines.push(`${head.padEnd(18)} ${doc.summary}`);
  }
  lines.push(
    '',
    MAGICS[MAGICS.length - 1].details,
    '',
    'Details: %deni help <magic>'
  );
  return lines.join('\n');
}
