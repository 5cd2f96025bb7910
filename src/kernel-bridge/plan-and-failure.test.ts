/**
 * `%deni plan --json` / `--tuning` and a failing `%%deni sweep` in the running kernel: the plan
 * reply carries the schedule and cost as application/json, and a sweep that fails ends its
 * progress display as an `error` report bundle (never left "running") with an error reply.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPORT_MIME, type IReportBundle } from '../deni/report/types';
import { IMessage } from './protocol/messages';
import { kernelForTests, REPO_ROOT } from './testing/kernel-client';

const kernel = kernelForTests();

function displays(iopub: IMessage[]): IMessage[] {
  return iopub.filter(m =>
    ['display_data', 'update_display_data'].includes(m.header.msg_type)
  );
}

function dataOf(m: IMessage | undefined): Record<string, unknown> {
  return (m?.content.data ?? {}) as Record<string, unknown>;
}

interface IPlanEntry {
  strategy: string;
  tuning?: string;
  events: { step: number; kind: string }[];
  cost: { modelSteps: number };
}

describe('%deni plan options', () => {
  it('replies with the plans as application/json with --json and accepts --tuning', async () => {
    const { reply, iopub } = await kernel().client.execute(
      '%deni plan default,ensemble --samples 64 --epochs 2 --batch 8 --tuning lora --json'
    );
    expect(reply.content.status).toBe('ok');
    const data = dataOf(displays(iopub)[0]);
    const json = data['application/json'] as {
      plans: IPlanEntry[];
      tuning: string;
    };
    expect(json.tuning).toBe('lora');
    expect(json.plans.map(p => p.strategy)).toEqual(['default', 'ensemble']);
    // 64 samples / batch 8 x 2 epochs = 16 steps; the ensemble trains 10 such members.
    expect(json.plans[0].cost.modelSteps).toBe(16);
    expect(json.plans[1].cost.modelSteps).toBe(160);
    expect(json.plans[0].tuning).toBe('lora');
    expect(json.plans[1].events.length).toBeGreaterThan(0);
    expect(data['text/plain']).toMatch(/^tuning: lora/);
    expect(data['text/plain']).toMatch(/strategy ensemble/);
  });

  it('gives each strategy the parameters it declares (--schedule reaches DENI only)', async () => {
    const { reply, iopub } = await kernel().client.execute(
      '%deni plan default,deni --samples 200 --epochs 10 --schedule relative --json'
    );
    expect(reply.content.status).toBe('ok');
    const json = dataOf(displays(iopub)[0])['application/json'] as {
      plans: IPlanEntry[];
    };
    expect(
      json.plans[1].events.filter(
        e => (e as { kind: string }).kind === 'average'
      )
    ).toHaveLength(2);
    const bad = await kernel().client.execute(
      '%deni plan default,deni --nope 1'
    );
    expect(bad.reply.content.status).toBe('error');
    expect(String(bad.reply.content.evalue)).toMatch(
      /no strategy of default, deni has a parameter 'nope'/
    );
  });

  it('keeps text-only output without --json and rejects an unknown tuning method', async () => {
    const text = await kernel().client.execute(
      '%deni plan default --tuning ia3'
    );
    expect(text.reply.content.status).toBe('ok');
    const data = dataOf(displays(text.iopub)[0]);
    expect(data['application/json']).toBeUndefined();
    expect(data['text/plain']).toMatch(/tuning: ia3/);

    const bad = await kernel().client.execute(
      '%deni plan default --tuning adapters'
    );
    expect(bad.reply.content.status).toBe('error');
    expect(bad.reply.content.evalue).toMatch(
      /--tuning is "adapters"; valid tuning methods: full, lora, ia3, unipelt/
    );
  });

  it('documents and completes --tuning and --json', async () => {
    const help = await kernel().client.execute('%deni help plan');
    const text = String(dataOf(displays(help.iopub)[0])['text/plain']);
    expect(text).toMatch(/--tuning full\|lora\|ia3\|unipelt/);
    expect(text).toMatch(/--json/);
    const complete = async (code: string) =>
      (
        await kernel().client.request('shell', 'complete_request', {
          code,
          cursor_pos: code.length
        })
      ).reply.content.matches as string[];
    expect(await complete('%deni plan deni --tu')).toEqual(['--tuning']);
    expect(await complete('%deni plan deni --js')).toEqual(['--json']);
    expect(await complete('%deni plan deni --tuning u')).toEqual(['unipelt']);
  });
});

describe('a failing %%deni sweep', () => {
  it('turns the progress display into an error bundle and replies with an error', async () => {
    const store = join(kernel().dir, 'failing.sqlite');
    const sweep = [
      '%%deni sweep',
      'name: failing',
      'dataset: uci-sentiment',
      'model: no-such-model-for-this-test',
      'tuning: lora',
      'strategies: [default]',
      'runs: 2',
      'budget: { samples: 16, epochs: 1, batchSize: 8, maxLength: 16, testSamples: 32 }',
      'executor: { kind: local, workers: 1 }',
      `store: ${store}`
    ].join('\n');
    const { reply, iopub } = await kernel().client.execute(sweep, {}, 240_000);
    expect(reply.content.status).toBe('error');
    expect(String(reply.content.evalue)).toMatch(/no-such-model-for-this-test/);

    const shown = displays(iopub);
    const ids = new Set(
      shown.map(m => (m.content.transient as { display_id: string }).display_id)
    );
    expect(ids.size).toBe(1);
    expect(shown[0].header.msg_type).toBe('display_data');
    expect(shown.length).toBeGreaterThan(1);
    expect(
      shown.slice(1).every(m => m.header.msg_type === 'update_display_data')
    ).toBe(true);
    const last = dataOf(shown[shown.length - 1])[REPORT_MIME] as IReportBundle;
    expect(last.status).toBe('error');
    expect(last.sweep).toBe('failing');
    expect(last.error).toMatch(/no-such-model-for-this-test/);
    // One cause shared by both runs is shown once, naming both runs.
    expect(last.error).toMatch(/all 2 runs attempted failed/);
    expect(last.error).toMatch(/runs 0, 1: Unknown model/);
    expect(reply.content.evalue).toBe(last.error);
  });

  it('turns the display into an error bundle when the sweep itself throws', async () => {
    const sweep = [
      '%%deni sweep',
      'name: unstorable',
      'dataset: uci-sentiment',
      'model: minilm-l6',
      'tuning: lora',
      'strategies: [default]',
      'runs: 1',
      'budget: { samples: 16, epochs: 1, batchSize: 8, maxLength: 16 }',
      // A store under a regular file cannot be created: runSweep throws before any run.
      `store: ${join(kernel().dir, 'kernel-connection.json', 'x.sqlite')}`
    ].join('\n');
    const { reply, iopub } = await kernel().client.execute(sweep, {}, 120_000);
    expect(reply.content.status).toBe('error');
    const shown = displays(iopub);
    expect(shown.length).toBeGreaterThan(1);
    const last = dataOf(shown[shown.length - 1])[REPORT_MIME] as IReportBundle;
    expect(last.status).toBe('error');
    expect(last.error).toMatch(/^sweep unstorable failed: /);
    expect(last.error).toContain(String(reply.content.evalue));
  });
});

describe('study plans in the kernel', () => {
  it('%deni plan --detect-std-ratio gives the runs a variance question needs', async () => {
    const { reply, iopub } = await kernel().client.execute(
      '%deni plan --detect-std-ratio 0.5 --power 0.8'
    );
    expect(reply.content.status).toBe('ok');
    const data = dataOf(displays(iopub)[0]);
    const study = (
      data['application/json'] as { study: { power: { runs: number } } }
    ).study;
    expect(study.power.runs).toBeGreaterThan(15);
    expect(data['text/plain']).toMatch(
      new RegExp(`runs needed: ${study.power.runs} per strategy`)
    );
    const bad = await kernel().client.execute(
      '%deni plan --detect-std-ratio 1'
    );
    expect(bad.reply.content.status).toBe('error');
    expect(bad.reply.content.evalue).toMatch(/positive number other than 1/);
  });

  it('%%deni plan prices a sweep on this machine and warns when its runs are too few', async () => {
    const tiny = join(__dirname, '../../fixtures/models/tiny-bert');
    const { reply, iopub } = await kernel().client.execute(
      [
        '%%deni plan --detect-std-ratio 0.5',
        'name: planned',
        'dataset: uci-sentiment',
        `model: ${JSON.stringify(tiny)}`,
        'tuning: [full]',
        'strategies: [default, { name: ensemble, params: { K: 2 } }]',
        'runs: 3',
        'budget: { samples: 16, epochs: 1, batchSize: 4, maxLength: 16, testSamples: 20 }',
        'backend: cpu',
        'executor: { kind: local, workers: 1 }'
      ].join('\n')
    );
    expect(reply.content.evalue ?? '').toBe('');
    expect(reply.content.status).toBe('ok');
    const data = dataOf(displays(iopub)[0]);
    const study = (
      data['application/json'] as {
        study: {
          power: { runs: number; plannedRuns: number };
          estimate: { seconds: number; runs: number; workers: number };
          warnings: string[];
        };
      }
    ).study;
    expect(study.power.plannedRuns).toBe(3);
    expect(study.estimate.runs).toBe(6);
    expect(study.estimate.workers).toBe(1);
    expect(study.estimate.seconds).toBeGreaterThan(0);
    expect(study.warnings[0]).toMatch(
      /3 runs per strategy detect a std ratio of 0.5/
    );
    expect(data['text/plain']).toMatch(/expected wall time on this machine/);
  }, 120_000);

  it('%deni datasets/models --json list what the pickers offer', async () => {
    const ds = await kernel().client.execute('%deni datasets --json');
    const sets = (
      dataOf(displays(ds.iopub)[0])['application/json'] as {
        choices: { id: string; availability: string; size: number }[];
      }
    ).choices;
    const uci = sets.find(s => s.id === 'uci-sentiment');
    expect(uci?.availability).toBe('offline');
    expect(uci?.size).toBeGreaterThan(0);
    expect(sets.some(s => s.availability !== 'offline')).toBe(true);
    const ms = await kernel().client.execute('%deni models --json');
    const models = (
      dataOf(displays(ms.iopub)[0])['application/json'] as {
        choices: { name: string; cached: boolean }[];
      }
    ).choices;
    expect(models.map(m => m.name)).toContain('minilm-l6');
  });
});

describe('%deni import', () => {
  it('seeds a store from committed runs, skips them the second time, names a missing file', async () => {
    const file = join(REPO_ROOT, 'experiments/quickstart/runs.jsonl');
    const store = join(kernel().dir, 'imported', 'runs.sqlite');
    const first = await kernel().client.execute(
      `%deni import "${file}" --store "${store}"`
    );
    expect(first.reply.content.status).toBe('ok');
    expect(dataOf(displays(first.iopub)[0])['text/plain']).toMatch(
      /^sweep quickstart: 15 run\(s\) imported, 0 identical skipped \(sweep added\)/
    );
    const again = await kernel().client.execute(
      `%deni import "${file}" --store "${store}"`
    );
    expect(dataOf(displays(again.iopub)[0])['text/plain']).toMatch(
      /0 run\(s\) imported, 15 identical skipped \(sweep already known\)/
    );
    const missing = await kernel().client.execute(
      `%deni import nowhere.jsonl --store "${store}"`
    );
    expect(missing.reply.content.status).toBe('error');
    expect(String(missing.reply.content.evalue)).toMatch(/nowhere\.jsonl/);
  }, 120_000);
});
