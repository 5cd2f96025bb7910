/**
 * The seed-sweep widget (view): target notebook, the schema-generated form, the plan's cost
 * estimate, "Run", and the sweeps of this page with progress, Cancel and a link to their cell.
 * It holds no sweep state of its own: it renders the {@link ISweepTracker} model.
 */
import { PathExt } from '@jupyterlab/coreutils';
import type { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import type { CommandRegistry } from '@lumino/commands';
import type { Message } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';
import type { ISweepSpec } from '../../deni/contract/types';
import { CommandIDs } from '../constants';
import { deniIcon } from '../icons';
import {
  executeQuiet,
  isDeniSession,
  kernelName,
  planCommand
} from '../kernel/deni-kernel';
import { type PlanAnswer, readPlanAnswer } from '../kernel/plan-estimate';
import { el, fmtDuration } from '../report/dom';
import { progressFraction, progressSummary } from '../report/progress-view';
import type { IDeniSettings, ISweepRun, ISweepTracker } from '../tokens';
import {
  DATASETS_COMMAND,
  datasetChoices,
  guessMapping,
  headerColumns,
  MODELS_COMMAND,
  modelChoices
} from './choices';
import { fieldsFromSchema, type IJsonSchema } from './schema-fields';
import {
  readStudyPlan,
  studyPlanCell,
  studyPlanNode,
  type IStudyQuestion
} from './study-plan';
import { SweepForm } from './sweep-form';
import { SpecValidator } from './validate-spec';

/** Options of {@link SweepPanel}. */
export interface ISweepPanelOptions {
  tracker: ISweepTracker;
  notebooks: INotebookTracker;
  settings: IDeniSettings;
  commands: CommandRegistry;
  schema: IJsonSchema;
  /** Pick a file from JupyterLab's file browser (server path), or null when cancelled. */
  pickFile?: () => Promise<string | null>;
  /** The start of a file's text (to read a data file's header). */
  readFile?: (path: string) => Promise<string>;
}

const STATUS_TEXT: Record<ISweepRun['status'], string> = {
  queued: 'queued',
  running: 'running',
  done: 'done',
  interrupted: 'interrupted',
  error: 'failed'
};

/** Render a plan answer (estimate table or the kernel's text). */
export function planNode(answer: PlanAnswer): HTMLElement {
  if (answer.kind === 'text') {
    return el('pre', { className: 'jp-deni-estimate-text', text: answer.text });
  }
  const e = answer.estimate;
  const base = e.rows.find(r => r.strategy === 'default')?.modelSteps;
  const rows = e.rows.map(r =>
    el('tr', {}, [
      el('th', { text: r.strategy, attrs: { scope: 'row' } }),
      el('td', { text: r.modelSteps.toLocaleString('en-US') }),
      el('td', {
        text: base ? `${(r.modelSteps / base).toFixed(2)} x` : '\u2013'
      })
    ])
  );
  return el('div', { className: 'jp-deni-estimate-result' }, [
    el('div', {
      className: 'jp-deni-estimate-total',
      text: `${e.totalModelSteps.toLocaleString('en-US')} model-steps in total (${e.runs} runs x ${e.configurations} configuration${e.configurations === 1 ? '' : 's'} x ${e.rows.length} strateg${e.rows.length === 1 ? 'y' : 'ies'})`
    }),
    el('table', { className: 'jp-deni-table jp-deni-estimate-table' }, [
      el('thead', {}, [
        el(
          'tr',
          {},
          ['Strategy', 'Model-steps per run', 'vs default'].map(t =>
            el('th', { text: t, attrs: { scope: 'col' } })
          )
        )
      ]),
      el('tbody', {}, rows)
    ]),
    el('details', { className: 'jp-deni-estimate-details' }, [
      el('summary', { text: "The kernel's plan (schedule per strategy)" }),
      el('pre', { className: 'jp-deni-estimate-text', text: answer.text })
    ])
  ]);
}

/** The seed-sweep panel. */
export class SweepPanel extends Widget {
  constructor(private readonly _options: ISweepPanelOptions) {
    super();
    this.id = 'jp-deni-sweep-panel';
    this.title.icon = deniIcon;
    this.title.caption =
      'DENI seed sweep: compare strategies over random seeds';
    this.addClass('jp-deni-sweep-panel');
    this._validator = new SpecValidator(_options.schema);
    this._form = new SweepForm(fieldsFromSchema(_options.schema), () =>
      this._onFormChange()
    );
    this._applySettings();
    this._form.setValue('name', this._nextName());

    this._target = el('div', { className: 'jp-deni-target' });
    this._estimate = el('div', {
      className: 'jp-deni-estimate',
      attrs: { 'aria-live': 'polite' }
    });
    this._message = el('div', {
      className: 'jp-deni-run-message',
      attrs: { role: 'status' }
    });
    this._runButton = el('button', {
      className: 'jp-deni-button jp-mod-accept jp-deni-run-button',
      text: 'Run',
      attrs: { type: 'button' }
    });
    this._runButton.addEventListener('click', () => void this.run());
    this._runs = el('ul', { className: 'jp-deni-runs' });
    this._study = el('div', {
      className: 'jp-deni-study',
      attrs: { 'aria-live': 'polite' }
    });
    const question = this._buildQuestion();
    this._addFilePicker();

    this.node.appendChild(
      el('div', { className: 'jp-deni-sweep-content' }, [
        el('h2', { className: 'jp-deni-sweep-title', text: 'Seed sweep' }),
        this._target,
        this._form.node,
        el('section', { className: 'jp-deni-section jp-deni-plan' }, [
          el('h3', { text: 'Plan' }),
          question,
          this._study,
          this._estimate
        ]),
        el('div', { className: 'jp-deni-actions' }, [
          this._runButton,
          this._message
        ]),
        el('section', { className: 'jp-deni-section' }, [
          el('h3', { text: 'Sweeps' }),
          this._runs
        ])
      ])
    );

    _options.tracker.changed.connect(this._renderRuns, this);
    _options.notebooks.currentChanged.connect(this._onNotebookChanged, this);
    _options.settings.changed.connect(this._applySettings, this);
    this._onNotebookChanged();
    this._renderRuns();
  }

  /** The form (for tests and the commands). */
  get form(): SweepForm {
    return this._form;
  }

  /** The spec the form holds, or the field errors that stop it from running. */
  spec(): { spec: Record<string, unknown>; errors: Map<string, string> } {
    const spec = this._form.value();
    const errors = this._validator.validate(spec);
    this._form.showErrors(errors);
    return { spec, errors };
  }

  /** Ask the notebook's kernel for the plan of the form's spec and show it. */
  async estimate(): Promise<void> {
    const panel = this._options.notebooks.currentWidget;
    const { spec, errors } = this.spec();
    if (errors.size) {
      this._estimate.replaceChildren(
        el('div', {
          className: 'jp-deni-estimate-text',
          text: 'Fix the marked fields to see the estimate.'
        })
      );
      return;
    }
    const kernel =
      panel && isDeniSession(panel.sessionContext)
        ? panel.sessionContext.session?.kernel
        : null;
    if (!kernel) {
      this._estimate.replaceChildren(
        el('div', {
          className: 'jp-deni-estimate-text jp-deni-kernel-needed',
          text: 'Kernel needed: open a notebook on the DENI kernel (and start it) to see the cost estimate.'
        })
      );
      return;
    }
    if (kernel.status === 'busy') {
      this._pendingEstimate = true;
      this._estimate.replaceChildren(
        el('div', {
          className: 'jp-deni-estimate-text',
          text: 'The kernel is busy; the estimate follows when it is idle.'
        })
      );
      return;
    }
    const request = ++this._estimateToken;
    this._estimate.replaceChildren(
      el('div', {
        className: 'jp-deni-estimate-text',
        text: 'Asking the kernel\u2026'
      })
    );
    let node: HTMLElement;
    try {
      const result = await executeQuiet(kernel, planCommand(spec), 20_000);
      node = planNode(readPlanAnswer(result, spec));
    } catch (err) {
      node = el('div', {
        className: 'jp-deni-estimate-text',
        text: `No estimate: ${err instanceof Error ? err.message : String(err)}`
      });
    }
    if (request !== this._estimateToken) {
      return;
    }
    this._estimate.replaceChildren(node);
    await this._studyPlan(kernel, spec, request);
  }

  /** The question of the plan (std ratio to detect, power), or undefined when left empty. */
  question(): IStudyQuestion | undefined {
    const ratio = Number(this._ratioInput.value);
    const power = Number(this._powerInput.value);
    if (this._ratioInput.value.trim() === '' || !(ratio > 0) || ratio === 1) {
      return undefined;
    }
    return { ratio, power: power > 0 && power < 1 ? power : 0.8 };
  }

  /** Warnings of the latest plan (the sweep cannot answer its question with its runs). */
  get warnings(): string[] {
    return this._warnings;
  }

  /** Runs needed and expected time from `%%deni plan` (may measure the step time once: slow). */
  private async _studyPlan(
    kernel: NonNullable<
      NonNullable<NotebookPanel['sessionContext']['session']>['kernel']
    >,
    spec: Record<string, unknown>,
    request: number
  ): Promise<void> {
    // A previous plan's warnings no longer apply to the spec now being planned.
    this._warnings = [];
    this._runButton.textContent = 'Run';
    this._study.replaceChildren(
      el('div', {
        className: 'jp-deni-estimate-text',
        text: "Planning runs and time\u2026 (the first plan for a model measures its step time on the kernel's machine)"
      })
    );
    let node: HTMLElement;
    let warnings: string[] = [];
    try {
      const view = readStudyPlan(
        await executeQuiet(
          kernel,
          studyPlanCell(spec, this.question()),
          600_000
        )
      );
      warnings = view.warnings;
      node = studyPlanNode(view);
    } catch (err) {
      node = el('div', {
        className: 'jp-deni-estimate-text',
        text: `No plan: ${err instanceof Error ? err.message : String(err)}`
      });
    }
    if (request === this._estimateToken) {
      this._warnings = warnings;
      this._study.replaceChildren(node);
      this._runButton.textContent = 'Run';
    }
  }

  private _buildQuestion(): HTMLElement {
    this._ratioInput = el('input', {
      className: 'jp-deni-input jp-deni-question-ratio',
      attrs: {
        type: 'number',
        step: 'any',
        min: '0',
        name: 'detect-std-ratio',
        'aria-label': 'Std ratio to detect (strategy std / default std)'
      }
    });
    this._ratioInput.value = '0.5';
    this._powerInput = el('input', {
      className: 'jp-deni-input jp-deni-question-power',
      attrs: {
        type: 'number',
        step: '0.05',
        min: '0.05',
        max: '0.99',
        name: 'power',
        'aria-label': 'Power'
      }
    });
    this._powerInput.value = '0.8';
    for (const input of [this._ratioInput, this._powerInput]) {
      input.addEventListener('input', () => this._onFormChange());
    }
    return el('div', { className: 'jp-deni-question' }, [
      el('label', {
        className: 'jp-deni-label',
        text: 'Detect a std ratio of'
      }),
      this._ratioInput,
      el('label', { className: 'jp-deni-label', text: 'with power' }),
      this._powerInput,
      el('div', {
        className: 'jp-deni-help',
        text: "Strategy std / default std the study must detect (the report's Brown-Forsythe test, alpha 0.05); empty: no question."
      })
    ]);
  }

  /** "Local file\u2026" beside the data set field: the file browser, then its columns. */
  private _addFilePicker(): void {
    const { pickFile, readFile } = this._options;
    const field = this._form.node.querySelector<HTMLElement>(
      '.jp-deni-field[data-path="dataset"]'
    );
    if (!pickFile || !readFile || !field) {
      return;
    }
    const button = el('button', {
      className: 'jp-deni-button jp-deni-file-button',
      text: 'Local file\u2026',
      attrs: { type: 'button' }
    });
    const mapping = el('div', { className: 'jp-deni-file-mapping' });
    button.addEventListener('click', () => {
      void (async () => {
        const path = await pickFile();
        if (!path) {
          return;
        }
        try {
          this.useFile(path, headerColumns(path, await readFile(path)));
        } catch (err) {
          mapping.replaceChildren(
            el('div', {
              className: 'jp-deni-field-error',
              text: err instanceof Error ? err.message : String(err)
            })
          );
        }
      })();
    });
    this._mapping = mapping;
    field.append(button, mapping);
  }

  /**
   * Use a local data file (server path) as the data set with a column mapping read from its
   * header: selects for the text and label columns, first guessed from their names.
   */
  useFile(path: string, columns: string[]): void {
    const notebook = this._options.notebooks.currentWidget?.context.path;
    // The kernel runs in the notebook's folder: give it the path relative to that.
    const rel = notebook
      ? PathExt.relative(PathExt.dirname(notebook), path)
      : path;
    const guess = guessMapping(columns);
    const pick = (label: string, name: string, value: string) => {
      const select = el(
        'select',
        {
          className: `jp-deni-input jp-deni-column-${name}`,
          attrs: { name: `dataset-${name}`, 'aria-label': label }
        },
        columns.map(c => el('option', { text: c, attrs: { value: c } }))
      );
      select.value = value;
      select.addEventListener('change', () => apply());
      return select;
    };
    const text = pick('Text column', 'text', guess.textColumn);
    const label = pick('Label column', 'label', guess.labelColumn);
    const apply = () =>
      this._form.setObject(
        'dataset',
        { path: rel, textColumn: text.value, labelColumn: label.value },
        rel
      );
    this._mapping?.replaceChildren(
      el('span', { className: 'jp-deni-label', text: 'text column' }),
      text,
      el('span', { className: 'jp-deni-label', text: 'label column' }),
      label
    );
    apply();
  }

  /** Fill the data set and model pickers from the kernel's lists (once per kernel). */
  async loadChoices(): Promise<void> {
    const panel = this._options.notebooks.currentWidget;
    const kernel =
      panel && isDeniSession(panel.sessionContext)
        ? panel.sessionContext.session?.kernel
        : null;
    if (!kernel || this._choicesFor === kernel.id) {
      return;
    }
    this._choicesFor = kernel.id;
    try {
      const sets = await executeQuiet(kernel, DATASETS_COMMAND, 20_000);
      this._form.setChoices('dataset', datasetChoices(sets));
      const models = await executeQuiet(kernel, MODELS_COMMAND, 20_000);
      this._form.setChoices('model', modelChoices(models));
    } catch (err) {
      this._choicesFor = null;
      this._message.textContent = `Could not list data sets and models: ${err instanceof Error ? err.message : String(err)}`;
    }
  }

  /** Validate, then insert the `%%deni sweep` cell into the current notebook and run it. */
  async run(): Promise<ISweepRun | null> {
    const panel = this._options.notebooks.currentWidget;
    const { spec, errors } = this.spec();
    if (errors.size) {
      this._message.textContent = `Not run: ${[...errors].map(([p, m]) => `${p} ${m}`).join('; ')}.`;
      return null;
    }
    if (!panel || !isDeniSession(panel.sessionContext)) {
      this._message.textContent =
        'Not run: open a notebook on the DENI kernel first.';
      return null;
    }
    if (
      this._warnings.length > 0 &&
      this._runButton.textContent !== 'Run anyway'
    ) {
      // Warn before spending the compute: the sweep cannot answer its question as planned.
      this._message.textContent = `Not run yet: ${this._warnings.join(' ')} Press "Run anyway" to run it as it is.`;
      this._runButton.textContent = 'Run anyway';
      return null;
    }
    this._runButton.textContent = 'Run';
    try {
      const run = await this._options.tracker.launch(
        panel,
        spec as unknown as ISweepSpec
      );
      this._message.textContent = `Sweep ${run.name} started in ${panel.context.path}.`;
      this._form.setValue('name', this._nextName());
      return run;
    } catch (err) {
      this._message.textContent = `Not run: ${err instanceof Error ? err.message : String(err)}`;
      return null;
    }
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    clearTimeout(this._debounce);
    this._watchSession(null);
    super.dispose();
  }

  protected onActivateRequest(msg: Message): void {
    super.onActivateRequest(msg);
    this._form.node.querySelector<HTMLElement>('input, select')?.focus();
  }

  private _applySettings(): void {
    const values = this._options.settings.values;
    this._form.setValue('runs', values.defaultRuns);
    this._form.setValue('backend', values.backend);
    if (values.resultStore && this._form.has('store')) {
      this._form.setValue('store', values.resultStore);
    }
  }

  private _nextName(): string {
    const used = new Set(this._options.tracker.runs.map(r => r.name));
    let n = this._options.tracker.runs.length + 1;
    while (used.has(`sweep-${n}`)) {
      n++;
    }
    return `sweep-${n}`;
  }

  private _onFormChange(): void {
    // The plan follows the form without a button: debounced, the newest request wins.
    clearTimeout(this._debounce);
    // A plan still in flight answers for the old form: drop its answer and its warnings, or a
    // stale power warning would hold back Run for a spec it was never computed for.
    this._estimateToken++;
    this._warnings = [];
    this._runButton.textContent = 'Run';
    this._debounce = setTimeout(() => void this.estimate(), 700);
  }

  private _onNotebookChanged(): void {
    const panel = this._options.notebooks.currentWidget;
    this._watchSession(panel);
    this._renderTarget(panel);
    // A kernel already started and idle sends no status change: ask for the lists now.
    void this.loadChoices();
  }

  private _watchSession(panel: NotebookPanel | null): void {
    const previous = this._watched;
    if (previous && !previous.isDisposed) {
      previous.sessionContext.kernelChanged.disconnect(
        this._onKernelChanged,
        this
      );
      previous.sessionContext.statusChanged.disconnect(this._onStatus, this);
    }
    this._watched = panel;
    if (panel) {
      panel.sessionContext.kernelChanged.connect(this._onKernelChanged, this);
      panel.sessionContext.statusChanged.connect(this._onStatus, this);
    }
  }

  private _onKernelChanged(): void {
    this._renderTarget(this._watched);
    void this.loadChoices().then(() => this.estimate());
  }

  private _onStatus(): void {
    const status = this._watched?.sessionContext.session?.kernel?.status;
    if (status === 'idle') {
      const pending = this._pendingEstimate;
      this._pendingEstimate = false;
      void this.loadChoices().then(() =>
        pending ? this.estimate() : undefined
      );
    }
  }

  private _renderTarget(panel: NotebookPanel | null): void {
    if (!panel) {
      const create = el('button', {
        className: 'jp-deni-button',
        text: 'New DENI notebook',
        attrs: { type: 'button' }
      });
      create.addEventListener(
        'click',
        () => void this._options.commands.execute(CommandIDs.newNotebook)
      );
      this._target.replaceChildren(
        el('span', { text: 'No notebook is open. ' }),
        create
      );
      this._runButton.disabled = true;
      return;
    }
    const deni = isDeniSession(panel.sessionContext);
    this._runButton.disabled = !deni;
    this._target.replaceChildren(
      el('span', { className: 'jp-deni-target-label', text: 'Notebook: ' }),
      el('span', {
        className: 'jp-deni-target-path',
        text: panel.context.path
      }),
      el('span', {
        className: deni
          ? 'jp-deni-target-kernel'
          : 'jp-deni-target-kernel jp-deni-warning',
        text: deni
          ? ' (DENI kernel)'
          : ` (kernel ${kernelName(panel.sessionContext) ?? 'none'}: sweeps need the DENI kernel; change the kernel or create a DENI notebook)`
      })
    );
  }

  private _renderRuns(): void {
    const runs = this._options.tracker.runs;
    if (runs.length === 0) {
      this._runs.replaceChildren(
        el('li', {
          className: 'jp-deni-runs-empty',
          text: 'No sweep started from this page yet.'
        })
      );
      return;
    }
    this._runs.replaceChildren(
      ...[...runs].reverse().map(run => {
        const progress = run.bundle?.progress;
        const fraction = progressFraction(progress);
        const active = run.status === 'running' || run.status === 'queued';
        const reveal = el('button', {
          className: 'jp-deni-link jp-deni-reveal',
          text: active ? 'Show cell' : 'Show output',
          attrs: { type: 'button' }
        });
        reveal.addEventListener(
          'click',
          () => void this._options.tracker.reveal(run.id)
        );
        const children: (HTMLElement | null)[] = [
          el('div', { className: 'jp-deni-run-head' }, [
            el('span', { className: 'jp-deni-run-name', text: run.name }),
            el('span', {
              className: `jp-deni-status jp-deni-status-${run.status}`,
              text: STATUS_TEXT[run.status]
            }),
            reveal
          ]),
          el('div', { className: 'jp-deni-run-path', text: run.notebookPath })
        ];
        if (progress) {
          children.push(
            el(
              'div',
              {
                className: 'jp-deni-progress',
                attrs: {
                  role: 'progressbar',
                  'aria-valuemin': '0',
                  'aria-valuemax': String(progress.total),
                  'aria-valuenow': String(progress.done)
                }
              },
              [
                el('div', {
                  className: 'jp-deni-progress-fill',
                  attrs: { style: `width: ${Math.round(fraction * 100)}%` }
                })
              ]
            ),
            el('div', {
              className: 'jp-deni-progress-text',
              text: [
                progressSummary(progress),
                active && progress.current ? `now: ${progress.current}` : '',
                active && progress.etaSeconds !== undefined
                  ? `about ${fmtDuration(progress.etaSeconds)} left`
                  : ''
              ]
                .filter(Boolean)
                .join(' \u00B7 ')
            })
          );
        }
        if (run.error) {
          children.push(
            el('pre', { className: 'jp-deni-error-text', text: run.error })
          );
        }
        if (active) {
          const cancel = el('button', {
            className: 'jp-deni-button jp-mod-warn jp-deni-cancel',
            text: 'Cancel',
            attrs: { type: 'button' }
          });
          if (this._cancelling.has(run.id)) {
            cancel.disabled = true;
            cancel.textContent = 'Cancelling\u2026';
          }
          cancel.addEventListener('click', () => {
            this._cancelling.add(run.id);
            cancel.disabled = true;
            cancel.textContent = 'Cancelling\u2026';
            this._options.tracker.cancel(run.id).catch(err => {
              this._cancelling.delete(run.id);
              this._message.textContent = `Could not cancel: ${err instanceof Error ? err.message : String(err)}`;
            });
          });
          children.push(cancel);
        }
        return el(
          'li',
          {
            className: `jp-deni-run jp-deni-run-${run.status}`,
            attrs: { 'data-run-id': run.id, 'data-sweep': run.name }
          },
          children
        );
      })
    );
  }

  private readonly _validator: SpecValidator;
  private readonly _form: SweepForm;
  private readonly _target: HTMLElement;
  private readonly _estimate: HTMLElement;
  private readonly _study: HTMLElement;
  private _ratioInput!: HTMLInputElement;
  private _powerInput!: HTMLInputElement;
  private _mapping: HTMLElement | null = null;
  private _warnings: string[] = [];
  private _choicesFor: string | null = null;
  private readonly _message: HTMLElement;
  private readonly _runButton: HTMLButtonElement;
  private readonly _runs: HTMLUListElement;
  private _watched: NotebookPanel | null = null;
  private _debounce: ReturnType<typeof setTimeout> | undefined;
  private _estimateToken = 0;
  private _pendingEstimate = false;
  private readonly _cancelling = new Set<string>();
}
