import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PAPER_DATASETS } from '../data/hub-sets';
import sweepSchema from '../sweep/sweep-spec.schema.json';
import { PAPER_DATASET_DEFINITIONS, PAPER_DATASET_IDS } from './datasets';
import { BACKEND_NAMES, BACKEND_PREFERENCE, isBackendName } from './backends';
import { strategyId, strategyLabel } from './labels';
import { DENI_SCHEDULES, isStrategyName, STRATEGY_NAMES } from './strategies';
import { isTuningMethodName, TUNING_METHOD_NAMES } from './tuning-methods';

const repoRoot = path.resolve(__dirname, '../../..');
const settingsSchema = JSON.parse(
  readFileSync(path.join(repoRoot, 'schema/settings.json'), 'utf8')
) as { properties: Record<string, { enum?: string[] }> };

/** Every `enum` of a JSON value, with its JSON pointer. */
function enumsOf(value: unknown, pointer = ''): Map<string, unknown[]> {
  const out = new Map<string, unknown[]>();
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'enum' && Array.isArray(v)) {
        out.set(pointer, v);
      } else {
        enumsOf(v, `${pointer}/${k}`).forEach((e, p) => out.set(p, e));
      }
    }
  }
  return out;
}

describe('the axis tables are the schemas enums', () => {
  it('sweep spec: strategyName, tuningName and backend list the tables, in order', () => {
    const defs = sweepSchema.definitions;
    expect(defs.strategyName.enum).toEqual([...STRATEGY_NAMES]);
    expect(defs.tuningName.enum).toEqual([...TUNING_METHOD_NAMES]);
    expect(sweepSchema.properties.backend.enum).toEqual([...BACKEND_NAMES]);
    expect(sweepSchema.properties.schedule.enum).toEqual([...DENI_SCHEDULES]);
  });

  it('settings: the widget back-end preset lists the back-ends', () => {
    expect(settingsSchema.properties.backend.enum).toEqual([...BACKEND_NAMES]);
  });

  it('no other enum of the schemas spells an axis name', () => {
    const axisNames = new Set<unknown>([
      ...STRATEGY_NAMES,
      ...TUNING_METHOD_NAMES,
      ...BACKEND_NAMES
    ]);
    const checked = new Set([
      '/definitions/strategyName',
      '/definitions/tuningName',
      '/properties/backend'
    ]);
    const schemaDir = path.join(repoRoot, 'schema');
    const files: [string, unknown][] = [
      ['sweep-spec.schema.json', sweepSchema],
      ...readdirSync(schemaDir)
        .filter(f => f.endsWith('.json'))
        .map((f): [string, unknown] => [
          f,
          JSON.parse(readFileSync(path.join(schemaDir, f), 'utf8'))
        ])
    ];
    const stray: string[] = [];
    for (const [file, schema] of files) {
      enumsOf(schema).forEach((values, pointer) => {
        if (!checked.has(pointer) && values.some(v => axisNames.has(v))) {
          stray.push(`${file}#${pointer}`);
        }
      });
    }
    expect(stray).toEqual([]);
  });

  it('derived helpers agree with the tables', () => {
    expect(STRATEGY_NAMES[0]).toBe('default');
    expect(STRATEGY_NAMES).toContain('deni');
    expect(isStrategyName('deni')).toBe(true);
    expect(isStrategyName('Deni')).toBe(false);
    expect(isTuningMethodName('lora')).toBe(true);
    expect(isTuningMethodName('adapter')).toBe(false);
    expect(isBackendName('wasm')).toBe(true);
    expect(BACKEND_PREFERENCE).toEqual(['tensorflow', 'webgpu', 'wasm', 'cpu']);
  });

  it('a strategy entry has one id and one display label', () => {
    const entry = { name: 'deni' as const, params: { s2: 0.1, K: 5 } };
    expect(strategyId(entry)).toBe('deni{K=5,s2=0.1}');
    expect(strategyLabel(entry)).toBe('deni(K=5, s2=0.1)');
    expect(strategyId({ name: 'swa' })).toBe('swa');
  });

  it('the Hub registry holds exactly the paper data sets, with their max lengths', () => {
    expect(Object.keys(PAPER_DATASETS).sort()).toEqual(
      [...PAPER_DATASET_IDS].sort()
    );
    for (const d of PAPER_DATASET_DEFINITIONS) {
      expect([d.id, PAPER_DATASETS[d.id].maxLength]).toEqual([
        d.id,
        d.maxLength
      ]);
    }
  });
});
