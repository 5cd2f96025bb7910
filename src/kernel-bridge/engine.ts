/**
 * The kernel's engine: {@link IDeniEngine} on the real DENI modules (sweep, report, strategies,
 * data, model). Training never happens here: runSweep hands runs to worker processes.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve as resolvePath } from 'node:path';
import type {
  IRunResult,
  ISweepProgress,
  ISweepSpec
} from '../deni/contract/types';
import { resolveSchemaRef } from '../deni/contract/schema-ref';
import type { IPlanEntry } from '../deni/contract/strategy-plan';
import {
  isTuningMethodName,
  TUNING_METHOD_NAMES,
  type TuningMethodName
} from '../deni/contract/tuning-methods';
import {
  IDeniEngine,
  IPlanRequest,
  ICellSweepOptions,
  ICellSweepOutcome,
  IStudyPlanRequest,
  SweepBodyError
} from './engine-types';
import { displayPath } from './display-path';
import type { DeniLibrary } from './engine-types';
import { JsonValue, MimeBundle } from './protocol/messages';
import { MIME_BUNDLE } from './repl/format';

/** Converts the report module's bundle (plain JSON by contract) to a message MIME bundle. */
export function asMimeBundle(bundle: Record<string, unknown>): MimeBundle {
  return JSON.parse(JSON.stringify(bundle)) as { [mime: string]: JsonValue };
}

type Schema = Record<string, unknown>;

/** Row shape of `deni.results(name)`: the stored run results of a sweep. */
export type ResultRows = IRunResult[];

/**
 * The kernel's engine on the DENI library (`dist/deni.mjs`, loaded at run time by
 * engine-loader.ts, or `src/deni` under tsx/vitest).
 */
export function createEngine(lib: DeniLibrary): IDeniEngine {
  const {
    DEFAULT_STORE,
    ResultStore,
    SWEEP_SPEC_SCHEMA,
    SweepSpecError,
    buildReport,
    datasetChoices,
    describeResolvedBackend,
    exportResults,
    formatImportSummary,
    importRunsFile,
    formatStudyPlan,
    modelChoices,
    pilotFromResults,
    planStudy,
    reportTiming,
    formatDataCards,
    formatPlan,
    getStrategy,
    listModels,
    listStrategies,
    parseSweepSpec,
    progressBundle,
    results,
    runSweep,
    toLongRows,
    toMimeBundle
  } = lib;
  function resolveRef(schema: Schema): Schema {
    return resolveSchemaRef(SWEEP_SPEC_SCHEMA, schema);
  }

  function describe(schema: Schema): string {
    const s = resolveRef(schema);
    return typeof s.description === 'string' ? s.description : '';
  }

  function enumValues(schema: Schema): string[] {
    const s = resolveRef(schema);
    if (Array.isArray(s.enum)) {
      return s.enum.filter((v): v is string => typeof v === 'string');
    }
    if (s.items && typeof s.items === 'object') {
      return enumValues(s.items as Schema);
    }
    for (const key of ['oneOf', 'anyOf'] as const) {
      if (Array.isArray(s[key])) {
        return [...new Set((s[key] as Schema[]).flatMap(enumValues))];
      }
    }
    if (
      s.properties &&
      typeof s.properties === 'object' &&
      'name' in s.properties
    ) {
      return enumValues((s.properties as Record<string, Schema>).name);
    }
    return [];
  }

  function storePath(store?: string): string {
    return store ?? DEFAULT_STORE;
  }

  function reportOf(
    sweep: string,
    runs: IRunResult[],
    status: 'done' | 'interrupted',
    progress?: ISweepProgress,
    timing?: Awaited<ReturnType<typeof reportTiming>>
  ): MimeBundle {
    return asMimeBundle(
      toMimeBundle(buildReport(sweep, runs, { status, progress, timing }))
    );
  }

  /** Predicted against measured time of a finished sweep (undefined when unknown). */
  async function timingOf(
    name: string,
    runs: IRunResult[],
    store?: string
  ): Promise<Awaited<ReturnType<typeof reportTiming>>> {
    let info;
    try {
      const db = ResultStore.open(storePath(store));
      try {
        info = db.sweep(name);
      } finally {
        db.close();
      }
    } catch {
      return undefined;
    }
    return info ? reportTiming(info.spec, runs, info.total) : undefined;
  }

  /**
   * The `deni` object of code cells: the whole engine library (as `import ... from
   * 'jupyterlab-deni/deni'`), with the notebook helpers below taking the default store.
   */
  function makeApi(): object {
    return {
      ...lib,
      /** Stored run results of a sweep, from `.deni/results.sqlite` or `store`. */
      results: (name: string, store?: string): ResultRows =>
        results(name, storePath(store)),
      /** The same runs as flat rows (the export columns), for tables and post-processing. */
      rows: (name: string, store?: string) =>
        toLongRows(results(name, storePath(store))),
      /** The report of a stored sweep; returning it from a cell renders it. */
      report: (name: string, store?: string) => {
        const runs = results(name, storePath(store));
        const bundle = buildReport(name, runs, { status: 'done' });
        return {
          ...bundle,
          [MIME_BUNDLE]: () => asMimeBundle(toMimeBundle(bundle))
        };
      },
      /** Names and progress of the sweeps in a store. */
      sweeps: (store?: string) => {
        const db = ResultStore.open(storePath(store), { readOnly: true });
        try {
          return db.sweeps().map(s => ({
            name: s.name,
            done: s.done,
            total: s.total,
            failed: s.failed
          }));
        } finally {
          db.close();
        }
      }
    };
  }

  /** Validates `--tuning` of `%deni plan`, naming the valid methods. */
  function checkTuning(
    tuning: string | undefined
  ): TuningMethodName | undefined {
    if (tuning === undefined) {
      return undefined;
    }
    if (!isTuningMethodName(tuning)) {
      throw new RangeError(
        `--tuning is ${JSON.stringify(tuning)}; valid tuning methods: ${TUNING_METHOD_NAMES.join(', ')}`
      );
    }
    return tuning;
  }

  /** Each requested strategy with its plan on the request's budget. */
  function planned(request: IPlanRequest) {
    const strategies = request.strategies.map(name => getStrategy(name));
    const params = request.params ?? {};
    // Each strategy gets the parameters it declares (`%deni plan default,deni --schedule
    // relative`); a parameter no listed strategy declares is still an error.
    const declared = (s: (typeof strategies)[number], k: string) =>
      s.params.some(p => p.name === k);
    for (const k of Object.keys(params)) {
      if (strategies.length > 1 && !strategies.some(s => declared(s, k))) {
        throw new RangeError(
          `no strategy of ${request.strategies.join(', ')} has a parameter '${k}'`
        );
      }
    }
    return strategies.map(strategy => {
      const own =
        strategies.length > 1
          ? Object.fromEntries(
              Object.entries(params).filter(([k]) => declared(strategy, k))
            )
          : params;
      const plan = strategy.plan({
        samples: request.samples,
        epochs: request.epochs,
        batchSize: request.batchSize,
        params: own
      });
      return { strategy, plan };
    });
  }

  let api: object | undefined;
  return {
    parseSweep(text: string, source: string): ISweepSpec {
      try {
        return parseSweepSpec(text, { source }).spec;
      } catch (err) {
        if (err instanceof SweepSpecError) {
          throw new SweepBodyError(
            err.errors.map(e => ({
              line: e.line,
              path: e.path,
              message: e.message
            })),
            err.message
          );
        }
        throw err;
      }
    },

    async runSweep(
      spec: ISweepSpec,
      options: ICellSweepOptions
    ): Promise<ICellSweepOutcome> {
      let last: ISweepProgress = {
        sweep: spec.name,
        done: 0,
        total: spec.runs,
        cached: 0,
        failed: 0
      };
      const outcome = await runSweep(spec, {
        signal: options.signal,
        onWarning: options.onWarning,
        // The runs are keyed by the back-end `auto` became here (runSweep decides it once).
        onBackend: backend => {
          if (backend.requested === 'auto') {
            options.onBackend?.(describeResolvedBackend(backend));
          }
        },
        onProgress: progress => {
          last = progress;
          options.onProgress(progress);
        }
      });
      const progress: ISweepProgress = {
        ...last,
        sweep: outcome.sweep,
        total: outcome.total,
        done: outcome.results.length,
        cached: outcome.cached,
        failed: outcome.failed.length,
        current: undefined,
        etaSeconds: undefined
      };
      return {
        status: outcome.cancelled ? 'interrupted' : 'done',
        progress,
        executed: outcome.executed,
        failures: outcome.failed.map(({ run, label, message }) => ({
          run,
          label,
          message
        }))
      };
    },

    async report(sweep, options = {}): Promise<MimeBundle> {
      const name = typeof sweep === 'string' ? sweep : sweep.name;
      const store =
        typeof sweep === 'string'
          ? options.store
          : (options.store ?? sweep.store);
      const runs = results(name, storePath(store));
      const status = options.status ?? 'done';
      return reportOf(
        name,
        runs,
        status,
        options.progress,
        status === 'done' ? await timingOf(name, runs, store) : undefined
      );
    },

    plan(request: IPlanRequest): string {
      const tuning = checkTuning(request.tuning);
      const text = planned(request)
        .map(({ plan, strategy }) => formatPlan(plan, strategy.description))
        .join('\n\n');
      return tuning === undefined
        ? text
        : `tuning: ${tuning} (model-steps and the schedule do not depend on the tuning method)\n\n${text}`;
    },

    planJson(request: IPlanRequest): IPlanEntry[] {
      const tuning = checkTuning(request.tuning);
      return planned(request).map(({ plan, strategy }) => ({
        strategy: strategy.name,
        description: strategy.description,
        ...(tuning !== undefined ? { tuning } : {}),
        plan,
        events: plan.events,
        cost: plan.cost
      }));
    },

    async studyPlan(
      request: IStudyPlanRequest
    ): Promise<{ text: string; json: Record<string, unknown> }> {
      const scores = request.pilot
        ? pilotFromResults(
            request.pilot,
            results(request.pilot, storePath(request.store))
          )
        : undefined;
      const plan = await planStudy({
        spec: request.spec,
        question:
          request.ratio !== undefined
            ? {
                ratio: request.ratio,
                power: request.power,
                alpha: request.alpha
              }
            : undefined,
        scores,
        measure: request.measure
      });
      return {
        text: formatStudyPlan(plan),
        json: JSON.parse(JSON.stringify(plan)) as Record<string, unknown>
      };
    },

    datasetChoices(): Record<string, unknown>[] {
      return datasetChoices() as unknown as Record<string, unknown>[];
    },

    modelChoices(): Record<string, unknown>[] {
      return modelChoices() as unknown as Record<string, unknown>[];
    },

    async datasets(): Promise<string> {
      return formatDataCards();
    },

    async models(): Promise<string> {
      return listModels()
        .map(
          m =>
            `${m.name.padEnd(20)} ${m.description}\n${''.padEnd(20)} ${m.repo}  ${m.cached ? `[cached${m.commit ? ` at commit ${m.commit}` : ''}: ${displayPath(m.dir)}]` : '[not cached: downloaded on first use]'}`
        )
        .join('\n');
    },

    async doctor(): Promise<string> {
      const { formatDoctor, runDoctor } = await import('../deni/doctor');
      return formatDoctor(runDoctor());
    },

    strategies(): string {
      return listStrategies()
        .map(s => {
          const params = s.params
            .map(p => `    ${p.name} = ${String(p.default)}  ${p.description}`)
            .join('\n');
          return `${s.name}: ${s.description}${params ? `\n${params}` : ''}`;
        })
        .join('\n\n');
    },

    async storeStatus(store?: string): Promise<string> {
      const path = resolvePath(storePath(store));
      if (!existsSync(path)) {
        return `store: ${displayPath(path)} (not created yet: no sweep has run here)`;
      }
      const db = ResultStore.open(path, { readOnly: true });
      try {
        const sweeps = db.sweeps();
        const lines = [
          `store: ${displayPath(db.file)} (${sweeps.length} sweeps)`
        ];
        for (const s of sweeps) {
          lines.push(
            `  ${s.name}: ${s.done}/${s.total} runs done, ${s.failed} failed, updated ${s.updatedAt}`
          );
        }
        return lines.join('\n');
      } finally {
        db.close();
      }
    },

    async importRuns(file: string, store?: string): Promise<string> {
      const path = resolvePath(storePath(store));
      mkdirSync(dirname(path), { recursive: true });
      const db = ResultStore.open(path);
      try {
        return importRunsFile(db, resolvePath(file))
          .map(r => formatImportSummary(r, displayPath(db.file)))
          .join('\n');
      } finally {
        db.close();
      }
    },

    async exportRuns(
      sweep: string,
      format: 'csv' | 'json',
      store?: string
    ): Promise<string> {
      return exportResults(results(sweep, storePath(store)), format);
    },

    specKeys() {
      const props = (SWEEP_SPEC_SCHEMA.properties ?? {}) as Record<
        string,
        Schema
      >;
      const top: Record<string, string> = {};
      const nested: Record<string, Record<string, string>> = {};
      for (const [key, schema] of Object.entries(props)) {
        top[key] = describe(schema);
        const resolved = resolveRef(schema);
        const candidates = [
          resolved,
          ...((resolved.oneOf ?? resolved.anyOf ?? []) as Schema[]).map(
            resolveRef
          )
        ];
        for (const candidate of candidates) {
          if (
            candidate.properties &&
            typeof candidate.properties === 'object'
          ) {
            nested[key] = { ...(nested[key] ?? {}) };
            for (const [sub, subSchema] of Object.entries(
              candidate.properties as Record<string, Schema>
            )) {
              nested[key][sub] = describe(subSchema);
            }
          }
        }
      }
      return { top, nested };
    },

    specValues() {
      const props = (SWEEP_SPEC_SCHEMA.properties ?? {}) as Record<
        string,
        Schema
      >;
      const values: Record<string, string[]> = {};
      for (const [key, schema] of Object.entries(props)) {
        const found = enumValues(schema);
        if (found.length > 0) {
          values[key] = found;
        }
      }
      values.model = [
        ...new Set([...(values.model ?? []), ...listModels().map(m => m.name)])
      ];
      return values;
    },

    progress(
      progress: ISweepProgress,
      status = 'running',
      error?: string
    ): MimeBundle {
      return asMimeBundle(
        toMimeBundle(
          progressBundle(
            progress.sweep,
            progress,
            error !== undefined ? { status, error } : { status }
          )
        )
      );
    },

    api(): object {
      api ??= makeApi();
      return api;
    }
  };
}
