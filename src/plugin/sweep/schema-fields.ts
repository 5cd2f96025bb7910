/**
 * Derives form fields from the SweepSpec JSON Schema (src/deni/sweep/sweep-spec.schema.json, the
 * single source of truth), so a field added to the schema appears in the widget by itself.
 * Each property becomes the simplest control that can express its schema: `oneOf` alternatives
 * are ranked (several names > list of ids > one name > free text > number > group).
 */

import { resolveSchemaRef } from '../../deni/contract/schema-ref';

/** A JSON Schema node (the subset the form reads). */
export interface IJsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  enum?: unknown[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  pattern?: string;
  properties?: Record<string, IJsonSchema>;
  required?: string[];
  items?: IJsonSchema;
  oneOf?: IJsonSchema[];
  anyOf?: IJsonSchema[];
  $ref?: string;
  definitions?: Record<string, IJsonSchema>;
  $defs?: Record<string, IJsonSchema>;
  examples?: unknown[];
}

/** Control kinds: `multi` = checkboxes (array of names), `list` = comma-separated ids. */
export type FieldKind =
  'text' | 'list' | 'select' | 'multi' | 'integer' | 'number' | 'group';

/** One form field. */
export interface IFormField {
  /** Property name. */
  key: string;
  /** Property path from the spec root, e.g. `['budget', 'epochs']`. */
  path: string[];
  kind: FieldKind;
  title: string;
  description: string;
  required: boolean;
  /** Choices of `select` / `multi`. */
  options?: string[];
  minimum?: number;
  maximum?: number;
  /** Schema default (the widget may override some from the settings). */
  default?: unknown;
  /** Example values (datalist suggestions of text/list fields). */
  examples?: string[];
  /** Fields of a `group`. */
  children?: IFormField[];
}

/** Resolve a local `$ref` (`#/definitions/x` or `#/$defs/x`) against the root schema. */
export function resolveRef(root: IJsonSchema, node: IJsonSchema): IJsonSchema {
  return resolveSchemaRef(root, node);
}

function types(node: IJsonSchema): string[] {
  return node.type === undefined
    ? []
    : Array.isArray(node.type)
      ? node.type
      : [node.type];
}

/** String choices of a node (its enum, or the first alternative that has one). */
function enumOf(root: IJsonSchema, node: IJsonSchema): string[] | null {
  const n = resolveRef(root, node);
  if (n.enum && n.enum.every(v => typeof v === 'string')) {
    return n.enum as string[];
  }
  for (const alt of n.oneOf ?? n.anyOf ?? []) {
    const e = enumOf(root, alt);
    if (e) {
      return e;
    }
  }
  return null;
}

/** True when a node (or one of its alternatives) accepts a free string. */
function acceptsString(root: IJsonSchema, node: IJsonSchema): boolean {
  const n = resolveRef(root, node);
  if (types(n).includes('string') && !n.enum) {
    return true;
  }
  return (n.oneOf ?? n.anyOf ?? []).some(alt => acceptsString(root, alt));
}

interface ICandidate {
  rank: number;
  field: Omit<
    IFormField,
    'key' | 'path' | 'title' | 'description' | 'required' | 'default'
  >;
}

function candidates(
  root: IJsonSchema,
  node: IJsonSchema,
  path: string[]
): ICandidate[] {
  const n = resolveRef(root, node);
  const out: ICandidate[] = [];
  const alts = n.oneOf ?? n.anyOf;
  if (alts) {
    for (const alt of alts) {
      out.push(...candidates(root, alt, path));
    }
    return out;
  }
  const t = types(n);
  if (t.includes('array') && n.items) {
    const e = enumOf(root, n.items);
    if (e) {
      out.push({ rank: 0, field: { kind: 'multi', options: e } });
    } else if (acceptsString(root, n.items)) {
      out.push({ rank: 1, field: { kind: 'list' } });
    }
  } else if (n.enum && n.enum.every(v => typeof v === 'string')) {
    out.push({
      rank: 2,
      field: { kind: 'select', options: n.enum as string[] }
    });
  } else if (t.includes('string')) {
    out.push({ rank: 3, field: { kind: 'text' } });
  } else if (t.includes('integer') || t.includes('number')) {
    out.push({
      rank: 4,
      field: {
        kind: t.includes('integer') ? 'integer' : 'number',
        minimum: n.minimum ?? n.exclusiveMinimum,
        maximum: n.maximum
      }
    });
  } else if (t.includes('object') && n.properties) {
    out.push({
      rank: 5,
      field: { kind: 'group', children: fieldsOf(root, n, path) }
    });
  }
  return out;
}

function fieldsOf(
  root: IJsonSchema,
  node: IJsonSchema,
  path: string[]
): IFormField[] {
  const required = new Set(node.required ?? []);
  const fields: IFormField[] = [];
  for (const [key, raw] of Object.entries(node.properties ?? {})) {
    const prop = resolveRef(root, raw);
    const best = candidates(root, prop, [...path, key]).sort(
      (a, b) => a.rank - b.rank
    )[0];
    if (!best) {
      continue;
    }
    const examples = (prop.examples ?? []).filter(
      (v): v is string => typeof v === 'string'
    );
    fields.push({
      ...best.field,
      key,
      path: [...path, key],
      title: prop.title ?? key,
      description: prop.description ?? '',
      required: required.has(key),
      default: prop.default,
      examples: examples.length ? examples : undefined
    });
  }
  return fields;
}

/** The form fields of an object schema (the SweepSpec root). */
export function fieldsFromSchema(schema: IJsonSchema): IFormField[] {
  return fieldsOf(schema, resolveRef(schema, schema), []);
}
