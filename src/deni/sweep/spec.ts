import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import {
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Document
} from 'yaml';
import schemaJson from './sweep-spec.schema.json';
import type {
  DatasetRef,
  IExecutorSpec,
  IStrategyEntry,
  ISweepSpec,
  StrategyName,
  TuningMethodName
} from '../contract/types';
import { strategyId, strategyLabel } from '../contract/labels';
import { SCHEDULED_STRATEGIES } from '../contract/strategies';
import { resolveSchemaRef } from '../contract/schema-ref';

/** The sweep JSON Schema (draft-07): the single source of truth for the widget form, kernel and CLI. */
export const SWEEP_SPEC_SCHEMA: Readonly<Record<string, unknown>> = schemaJson;

/** Default result store, relative to the working directory (DESIGN.md). */
export const DEFAULT_STORE = '.deni/results.sqlite';

/** PAPER.md defaults filled into a sweep where it leaves a field out. */
export const SWEEP_DEFAULTS = {
  tuning: ['full'] as TuningMethodName[],
  strategies: ['default', 'deni'] as StrategyName[],
  runs: 20,
  seed: 0,
  budget: { samples: 1000, epochs: 10, batchSize: 8 },
  backend: 'auto' as const,
  executor: { kind: 'local' } as IExecutorSpec,
  store: DEFAULT_STORE
};

/** One problem found in a sweep spec. */
export interface ISpecError {
  /** Dotted field path (`budget.epochs`, `strategies[1].name`); empty for the whole document. */
  path: string;
  /** JSON pointer of the field (`/budget/epochs`), for forms that map errors to inputs. */
  pointer: string;
  /** 1-based line in the source text, where the text was parsed from YAML or JSON. */
  line?: number;
  column?: number;
  /** The offending value (absent for missing fields and syntax errors). */
  value?: unknown;
  /** What is wrong (`got 0`, `missing (required)`), without the path; absent for syntax errors. */
  problem?: string;
  /** What would be valid. */
  allowed: string;
  /** Full readable message: path, bad value, what is allowed. */
  message: string;
}

/** Errors a SweepSpecError lists; the rest are counted (a typo repeated 20,000 times is one fix). */
export const MAX_LISTED_ERRORS = 20;

/** Longest sweep text accepted (a real sweep is well under 10 KB; data belongs in data files). */
export const MAX_SPEC_CHARS = 1_000_000;

/**
 * Thrown by parseSweepSpec/normalizeSweepSpec: the first {@link MAX_LISTED_ERRORS} problems,
 * each with path, line and message, and how many more there were (`more`).
 */
export class SweepSpecError extends Error {
  readonly errors: ISpecError[];
  /** Problems found beyond the listed ones. */
  readonly more: number;

  constructor(
    errors: ISpecError[],
    readonly source = 'sweep spec',
    more = 0
  ) {
    const listed = errors.slice(0, MAX_LISTED_ERRORS);
    const total = more + errors.length - listed.length;
    super(
      `invalid ${source}:\n` +
        listed
          .map(
            e =>
              `  ${e.line !== undefined ? `line ${e.line}: ` : ''}${e.message}`
          )
          .join('\n') +
        (total > 0
          ? `\n  ... and ${total.toLocaleString('en')} more error${total === 1 ? '' : 's'} (fix these first)`
          : '')
    );
    this.name = 'SweepSpecError';
    this.errors = listed;
    this.more = total;
  }
}

/** Options of parseSweepSpec. */
export interface IParseOptions {
  /** `auto` (default): JSON when the text starts with `{`, YAML otherwise. */
  format?: 'yaml' | 'json' | 'auto';
  /** Name of the source in messages (a file name, `%%deni sweep cell`). */
  source?: string;
}

/** A parsed, validated sweep with defaults filled, and the value as written. */
export interface IParsedSweep {
  spec: ISweepSpec;
  raw: unknown;
}

type Schema = Record<string, unknown>;

const ajv = new Ajv({ allErrors: true, verbose: true, strict: false });
const definitions = (schemaJson as Schema).definitions as Record<
  string,
  Schema
>;
const compiled = new Map<Schema, ValidateFunction>();

function compile(schema: Schema): ValidateFunction {
  let fn = compiled.get(schema);
  if (!fn) {
    fn = ajv.compile(schema.definitions ? schema : { ...schema, definitions });
    compiled.set(schema, fn);
  }
  return fn;
}

function resolve(schema: Schema): Schema {
  return resolveSchemaRef(schemaJson, schema);
}

function jsonType(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return 'array';
  }
  if (typeof value === 'number') {
    return Number.isInteger(value) ? 'integer' : 'number';
  }
  return typeof value;
}

function schemaTypes(schema: Schema): string[] {
  const s = resolve(schema);
  if (Array.isArray(s.oneOf) || Array.isArray(s.anyOf)) {
    return ((s.oneOf ?? s.anyOf) as Schema[]).flatMap(schemaTypes);
  }
  if (typeof s.type === 'string') {
    return [s.type];
  }
  if (Array.isArray(s.type)) {
    return s.type as string[];
  }
  if (Array.isArray(s.enum)) {
    return [...new Set((s.enum as unknown[]).map(jsonType))];
  }
  return ['string', 'number', 'integer', 'boolean', 'object', 'array', 'null'];
}

function typeMatches(schema: Schema, value: unknown): boolean {
  const t = jsonType(value);
  const types = schemaTypes(schema);
  return types.includes(t) || (t === 'integer' && types.includes('number'));
}

function show(value: unknown): string {
  if (value === undefined) {
    return 'nothing';
  }
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Human description of what a schema allows (used in every error message). */
export function describeSchema(schema: Schema): string {
  const s = resolve(schema);
  if (Array.isArray(s.oneOf) || Array.isArray(s.anyOf)) {
    return ((s.oneOf ?? s.anyOf) as Schema[]).map(describeSchema).join(', or ');
  }
  if (Array.isArray(s.enum)) {
    return `one of ${(s.enum as unknown[]).map(v => JSON.stringify(v)).join(', ')}`;
  }
  const type = s.type;
  if (type === 'integer' || type === 'number') {
    const noun = type === 'integer' ? 'an integer' : 'a number';
    const lo =
      s.minimum !== undefined
        ? `>= ${s.minimum}`
        : s.exclusiveMinimum !== undefined
          ? `> ${s.exclusiveMinimum}`
          : '';
    const hi =
      s.maximum !== undefined
        ? `<= ${s.maximum}`
        : s.exclusiveMaximum !== undefined
          ? `< ${s.exclusiveMaximum}`
          : '';
    return [noun, [lo, hi].filter(Boolean).join(' and ')]
      .filter(Boolean)
      .join(' ');
  }
  if (type === 'string') {
    if (typeof s.pattern === 'string') {
      return typeof s.description === 'string'
        ? `a string: ${s.description}`
        : `a string matching ${s.pattern}`;
    }
    return s.minLength ? 'a non-empty string' : 'a string';
  }
  if (type === 'array') {
    const items = s.items ? describeSchema(s.items as Schema) : 'anything';
    const extra = [
      s.minItems ? `at least ${s.minItems}` : '',
      s.uniqueItems ? 'no duplicates' : ''
    ].filter(Boolean);
    return `a list (${extra.length ? `${extra.join(', ')}; ` : ''}each ${items})`;
  }
  if (type === 'object') {
    const props = Object.keys((s.properties as Schema | undefined) ?? {});
    const required = (s.required as string[] | undefined) ?? [];
    if (props.length === 0) {
      return 'a mapping';
    }
    return `a mapping with ${required.length ? `required fields ${required.join(', ')}` : 'fields'}${
      props.length > required.length
        ? `${required.length ? ' and optional fields ' : ' '}${props
            .filter(p => !required.includes(p))
            .join(', ')}`
        : ''
    }`;
  }
  if (Array.isArray(type)) {
    return `a ${type.join(' or ')}`;
  }
  return typeof s.description === 'string' ? s.description : 'a valid value';
}

function pointerToSegments(pointer: string): (string | number)[] {
  if (pointer === '') {
    return [];
  }
  return pointer
    .slice(1)
    .split('/')
    .map(p => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map(p => (/^\d+$/.test(p) ? Number(p) : p));
}

/** `/strategies/1/name` -> `strategies[1].name`. */
export function pointerToPath(pointer: string): string {
  let out = '';
  for (const seg of pointerToSegments(pointer)) {
    out += typeof seg === 'number' ? `[${seg}]` : out ? `.${seg}` : seg;
  }
  return out;
}

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [
    i,
    ...Array(b.length).fill(0)
  ]);
  for (let j = 1; j <= b.length; j++) {
    d[0][j] = j;
  }
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(
        d[i - 1][j] + 1,
        d[i][j - 1] + 1,
        d[i - 1][j - 1] +
          (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1)
      );
    }
  }
  return d[a.length][b.length];
}

function closest(word: string, options: string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const o of options) {
    const dist = editDistance(word, o);
    if (dist < bestD) {
      bestD = dist;
      best = o;
    }
  }
  return bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function makeError(
  pointer: string,
  value: unknown,
  allowed: string,
  what?: string
): ISpecError {
  const path = pointerToPath(pointer);
  const where = path || '(document)';
  const got = what ?? (value === undefined ? 'missing' : `got ${show(value)}`);
  return {
    path,
    pointer,
    value,
    problem: got,
    allowed,
    message: `${where}: ${got}; allowed: ${allowed}`
  };
}

function translate(e: ErrorObject, base: string): ISpecError {
  const parent = (e.parentSchema ?? {}) as Schema;
  if (e.keyword === 'required') {
    const missing = (e.params as { missingProperty: string }).missingProperty;
    const props = (parent.properties ?? {}) as Record<string, Schema>;
    const sub = props[missing];
    return makeError(
      `${base}${e.instancePath}/${missing}`,
      undefined,
      sub ? describeSchema(sub) : 'a value',
      'missing (required)'
    );
  }
  if (e.keyword === 'additionalProperties') {
    const extra = (e.params as { additionalProperty: string })
      .additionalProperty;
    const fields = Object.keys((parent.properties ?? {}) as Schema);
    const guess = closest(extra, fields);
    return makeError(
      `${base}${e.instancePath}/${extra}`,
      (e.data as Record<string, unknown>)[extra],
      `fields ${fields.join(', ')}`,
      `unknown field "${extra}"${guess ? ` (did you mean "${guess}"?)` : ''}`
    );
  }
  if (e.keyword === 'uniqueItems') {
    const { i, j } = e.params as { i: number; j: number };
    return makeError(
      base + e.instancePath,
      e.data,
      describeSchema(parent),
      `items ${j} and ${i} are the same (${show((e.data as unknown[])[i])})`
    );
  }
  return makeError(base + e.instancePath, e.data, describeSchema(parent));
}

function isUnder(pointer: string, prefix: string): boolean {
  return pointer === prefix || pointer.startsWith(`${prefix}/`);
}

/** Errors of `value` against `schema`, with oneOf/anyOf noise reduced to the branch the value meant. */
function collect(schema: Schema, value: unknown, base: string): ISpecError[] {
  const validate = compile(schema);
  if (validate(value)) {
    return [];
  }
  const errors = [...(validate.errors ?? [])];
  // ajv reports an outer oneOf after the oneOfs nested in its branches: at equal depth, the
  // later error is the outer one, and the outer one says which branch the value meant.
  const alternatives = errors
    .map((e, i) => ({ e, i }))
    .filter(({ e }) => e.keyword === 'oneOf' || e.keyword === 'anyOf')
    .sort(
      (a, b) => a.e.instancePath.length - b.e.instancePath.length || b.i - a.i
    )
    .map(({ e }) => e);
  const handled: string[] = [];
  const out: ISpecError[] = [];
  for (const alt of alternatives) {
    if (handled.some(p => isUnder(alt.instancePath, p))) {
      continue;
    }
    handled.push(alt.instancePath);
    const parent = resolve((alt.parentSchema ?? {}) as Schema);
    const branches = (parent.oneOf ?? parent.anyOf) as Schema[];
    const matching = branches.filter(b => typeMatches(b, alt.data));
    if (matching.length === 1) {
      const branch = matching[0];
      out.push(
        ...collect(
          branch.$ref ? resolve(branch) : branch,
          alt.data,
          base + alt.instancePath
        )
      );
    } else {
      out.push(
        makeError(base + alt.instancePath, alt.data, describeSchema(parent))
      );
    }
  }
  for (const e of errors) {
    if (e.keyword === 'oneOf' || e.keyword === 'anyOf') {
      continue;
    }
    if (handled.some(p => isUnder(e.instancePath, p))) {
      continue;
    }
    out.push(translate(e, base));
  }
  const seen = new Set<string>();
  return out.filter(e => {
    const id = `${e.pointer}|${e.message}`;
    if (seen.has(id)) {
      return false;
    }
    seen.add(id);
    return true;
  });
}

/** Semantic checks the schema cannot express. */
function crossCheck(value: Record<string, unknown>): ISpecError[] {
  const errors: ISpecError[] = [];
  const executor = value.executor;
  if (
    executor &&
    typeof executor === 'object' &&
    (executor as IExecutorSpec).kind === 'redis' &&
    !(executor as IExecutorSpec).redis
  ) {
    errors.push(
      makeError(
        '/executor/redis',
        undefined,
        'a URL `redis://[:password@]host:port` (the queue `deni worker --redis URL` serves)',
        'missing (required when executor.kind is "redis")'
      )
    );
  }
  if (executor === 'redis') {
    errors.push(
      makeError(
        '/executor',
        executor,
        '`{ kind: redis, redis: "redis://[:password@]host:port" }`',
        'got "redis" without a Redis URL'
      )
    );
  }
  const strategies = value.strategies;
  if (Array.isArray(strategies)) {
    const seen = new Map<string, number>();
    strategies.forEach((s, i) => {
      if (!(
        typeof s === 'string' ||
        (s && typeof s === 'object' && 'name' in s)
      )) {
        return;
      }
      const entry = normalizeStrategy(s as StrategyName | IStrategyEntry);
      const id = strategyId(entry);
      const prev = seen.get(id);
      if (prev !== undefined) {
        errors.push(
          makeError(
            `/strategies/${i}`,
            s,
            'each strategy (with its params) once',
            `duplicates strategies[${prev}] (${strategyLabel(entry)})`
          )
        );
      } else {
        seen.set(id, i);
      }
    });
  }
  return errors;
}

/**
 * Validates a sweep given as a plain value (widget form, kernel). Returns every problem; empty when
 * valid. Errors carry no line numbers (see parseSweepSpec for text input).
 */
export function validateSweepSpec(value: unknown): ISpecError[] {
  const errors = collect(SWEEP_SPEC_SCHEMA as Schema, value, '');
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const known = new Set(errors.map(e => e.pointer));
    errors.push(
      ...crossCheck(value as Record<string, unknown>).filter(
        e => !known.has(e.pointer)
      )
    );
  }
  return errors;
}

function normalizeStrategy(
  entry: StrategyName | IStrategyEntry
): IStrategyEntry {
  if (typeof entry === 'string') {
    return { name: entry };
  }
  const out: IStrategyEntry = { name: entry.name };
  if (entry.params && Object.keys(entry.params).length > 0) {
    out.params = { ...entry.params };
  }
  return out;
}

function asArray<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}

/**
 * Validates `value` and fills PAPER.md defaults: one-name fields become lists, strategies become
 * `{ name, params? }` entries, the executor a `{ kind, ... }` object. Throws SweepSpecError.
 */
export function normalizeSweepSpec(
  value: unknown,
  source?: string
): ISweepSpec {
  const errors = validateSweepSpec(value);
  if (errors.length > 0) {
    throw new SweepSpecError(errors, source);
  }
  return fillDefaults(value as Record<string, unknown>);
}

/** A sweep-wide `schedule: relative` becomes the parameter of every DENI-family entry without one. */
function withSchedule(
  entry: IStrategyEntry,
  schedule: unknown
): IStrategyEntry {
  if (
    schedule !== 'relative' ||
    !SCHEDULED_STRATEGIES.includes(entry.name) ||
    entry.params?.schedule !== undefined
  ) {
    return entry;
  }
  return { ...entry, params: { ...entry.params, schedule } };
}

function fillDefaults(v: Record<string, unknown>): ISweepSpec {
  const budgetIn = (v.budget ?? {}) as Record<string, number>;
  const executorIn = v.executor ?? SWEEP_DEFAULTS.executor;
  const executor: IExecutorSpec =
    typeof executorIn === 'string'
      ? { kind: executorIn as IExecutorSpec['kind'] }
      : { ...(executorIn as IExecutorSpec) };
  const dataset = v.dataset as DatasetRef | DatasetRef[];
  const model = v.model as string | string[];
  return {
    name: v.name as string,
    dataset: Array.isArray(dataset)
      ? dataset.map(d => (typeof d === 'string' ? d : { ...d }))
      : dataset,
    model: Array.isArray(model) ? [...model] : model,
    tuning: asArray(
      (v.tuning ?? SWEEP_DEFAULTS.tuning) as
        TuningMethodName | TuningMethodName[]
    ),
    strategies: asArray(
      (v.strategies ?? SWEEP_DEFAULTS.strategies) as
        StrategyName | (StrategyName | IStrategyEntry)[]
    )
      .map(normalizeStrategy)
      .map(e => withSchedule(e, v.schedule)),
    runs: (v.runs as number | undefined) ?? SWEEP_DEFAULTS.runs,
    seed: (v.seed as number | undefined) ?? SWEEP_DEFAULTS.seed,
    budget: { ...SWEEP_DEFAULTS.budget, ...budgetIn },
    backend:
      (v.backend as ISweepSpec['backend'] | undefined) ??
      SWEEP_DEFAULTS.backend,
    executor,
    store: (v.store as string | undefined) ?? SWEEP_DEFAULTS.store,
    ...(v.revisions
      ? { revisions: { ...(v.revisions as Record<string, string>) } }
      : {})
  };
}

/** Most members one mapping or list of a sweep may have (real ones have a dozen). */
export const MAX_MEMBERS = 1000;

/**
 * Duplicate keys and oversized mappings/lists, in one linear walk (the YAML library's own
 * `uniqueKeys` check compares every key with every other: 20 s for 20,000 keys).
 */
function shapeErrors(doc: Document, lc: LineCounter): ISpecError[] {
  const errors: ISpecError[] = [];
  const at = (node: unknown): { line?: number; column?: number } => {
    const range = (node as { range?: [number, number, number] } | null)?.range;
    if (!range) {
      return {};
    }
    const pos = lc.linePos(range[0]);
    return { line: pos.line, column: pos.col };
  };
  const walk = (node: unknown, pointer: string, depth: number): void => {
    if (errors.length >= MAX_LISTED_ERRORS || depth > 64) {
      return;
    }
    if (isMap(node) || isSeq(node)) {
      const count = node.items.length;
      if (count > MAX_MEMBERS) {
        errors.push({
          path: pointerToPath(pointer),
          pointer,
          ...at(node),
          allowed: `at most ${MAX_MEMBERS.toLocaleString('en')} entries`,
          message: `${pointer === '' ? 'the sweep' : pointerToPath(pointer)} has ${count.toLocaleString('en')} ${isMap(node) ? 'fields' : 'entries'}; at most ${MAX_MEMBERS.toLocaleString('en')} are accepted`
        });
        return;
      }
    }
    if (isMap(node)) {
      const seen = new Set<unknown>();
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        const name = String(key);
        if (seen.has(key)) {
          errors.push({
            path: pointerToPath(`${pointer}/${name}`),
            pointer: `${pointer}/${name}`,
            ...at(pair.key),
            allowed: 'each field once',
            message: `${pointerToPath(`${pointer}/${name}`)}: duplicated key "${name}" (each field may appear once)`
          });
        }
        seen.add(key);
        walk(pair.value, `${pointer}/${name}`, depth + 1);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => walk(item, `${pointer}/${i}`, depth + 1));
    }
  };
  walk(doc.contents, '', 0);
  return errors;
}

function locate(doc: Document, lc: LineCounter, err: ISpecError): ISpecError {
  const segments = pointerToSegments(err.pointer);
  // Walk down as far as the document goes: a missing field points at its parent mapping.
  for (let n = segments.length; n >= 0; n--) {
    const sub = segments.slice(0, n);
    let node: unknown;
    if (n === segments.length && n > 0 && err.value !== undefined) {
      // Unknown fields point at their key.
      const parent = doc.getIn(segments.slice(0, n - 1), true);
      if (isMap(parent)) {
        const pair = parent.items.find(
          p => (p.key as { value?: unknown } | null)?.value === segments[n - 1]
        );
        if (pair && err.message.includes('unknown field')) {
          node = pair.key;
        }
      }
    }
    node = node ?? (n === 0 ? doc.contents : doc.getIn(sub, true));
    const range = (node as { range?: [number, number, number] } | null)?.range;
    if (range) {
      const pos = lc.linePos(range[0]);
      return { ...err, line: pos.line, column: pos.col };
    }
  }
  return err;
}

/**
 * Parses a sweep from YAML (`%%deni sweep` cell bodies, .yaml files) or JSON, validates it against
 * the schema and fills defaults. Throws SweepSpecError listing every problem with its field path,
 * line, bad value and what is allowed.
 */
export function parseSweepSpec(
  text: string,
  options: IParseOptions = {}
): IParsedSweep {
  const source = options.source ?? 'sweep spec';
  if (text.length > MAX_SPEC_CHARS) {
    throw new SweepSpecError(
      [
        {
          path: '',
          pointer: '',
          line: 1,
          allowed: `at most ${MAX_SPEC_CHARS.toLocaleString('en')} characters`,
          message: `the sweep is ${text.length.toLocaleString('en')} characters long; at most ${MAX_SPEC_CHARS.toLocaleString('en')} are accepted (a sweep needs a few lines; put data in a data file)`
        }
      ],
      source
    );
  }
  const format =
    options.format === 'json' ||
    (options.format !== 'yaml' && /^\s*\{/.test(text))
      ? 'json'
      : 'yaml';
  const lc = new LineCounter();
  if (format === 'json') {
    try {
      JSON.parse(text);
    } catch (e) {
      const msg = (e as Error).message;
      const m = /position (\d+)/.exec(msg);
      const before = m ? text.slice(0, Number(m[1])) : undefined;
      throw new SweepSpecError(
        [
          {
            path: '',
            pointer: '',
            line: before !== undefined ? before.split('\n').length : undefined,
            column:
              before !== undefined
                ? before.length - before.lastIndexOf('\n')
                : undefined,
            allowed: 'valid JSON',
            message: `JSON syntax error: ${msg}`
          }
        ],
        source
      );
    }
  }
  const doc = parseDocument(text, {
    lineCounter: lc,
    uniqueKeys: false,
    prettyErrors: false
  });
  if (doc.errors.length > 0) {
    throw new SweepSpecError(
      doc.errors.map(e => {
        const pos = lc.linePos(e.pos[0]);
        return {
          path: '',
          pointer: '',
          line: pos.line,
          column: pos.col,
          allowed: `valid ${format === 'json' ? 'JSON' : 'YAML'}`,
          message: `${format === 'json' ? 'JSON' : 'YAML'} syntax error: ${e.message.split('\n')[0]}`
        };
      }),
      source
    );
  }
  const shape = shapeErrors(doc, lc);
  if (shape.length > 0) {
    throw new SweepSpecError(shape, source);
  }
  const raw: unknown = doc.toJS();
  if (raw === null || raw === undefined) {
    throw new SweepSpecError(
      [
        {
          path: '',
          pointer: '',
          line: 1,
          allowed: describeSchema(SWEEP_SPEC_SCHEMA as Schema),
          message:
            'the sweep is empty; write at least `name`, `dataset` and `model`'
        }
      ],
      source
    );
  }
  const found = validateSweepSpec(raw);
  if (found.length > 0) {
    // Locating is a search of the document per error: only for the errors listed.
    const errors = found
      .slice(0, MAX_LISTED_ERRORS)
      .map(e => locate(doc, lc, e));
    errors.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    throw new SweepSpecError(errors, source, found.length - errors.length);
  }
  return { spec: fillDefaults(raw as Record<string, unknown>), raw };
}

/**
 * Adds line numbers to errors found outside the parser (e.g. checkStrategyParams) by locating
 * their field paths in the YAML/JSON text the spec came from.
 */
export function locateSpecErrors(
  text: string,
  errors: ISpecError[]
): ISpecError[] {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  if (doc.errors.length > 0) {
    return errors;
  }
  return errors.map(e => (e.line === undefined ? locate(doc, lc, e) : e));
}

/** An ISpecError for a field whose value a later check (not the schema) rejected. */
export function fieldError(
  pointer: string,
  value: unknown,
  allowed: string,
  what: string
): ISpecError {
  return makeError(pointer, value, allowed, what);
}
