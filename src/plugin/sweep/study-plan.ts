/**
 * The study plan in the seed-sweep widget: the `%%deni plan` cell it sends (the form's spec plus
 * the question: which std ratio to detect, how surely), reading the kernel's answer
 * (`application/json` {study}) and drawing it: runs needed, expected wall time on the kernel's
 * machine, time per run, and warnings when the sweep cannot answer its question.
 */
import type { IQuietResult } from '../kernel/deni-kernel';
import { quoteArg } from '../kernel/deni-kernel';
import { el, fmtDuration } from '../report/dom';
import { specToYaml } from './spec-yaml';

/** The question the study must answer. */
export interface IStudyQuestion {
  /** Strategy std / default std to detect (e.g. 0.5). */
  ratio: number;
  /** Target power (e.g. 0.8). */
  power: number;
}

/** What the widget shows of the kernel's study plan. */
export interface IStudyPlanView {
  runsNeeded?: number | null;
  maxRuns?: number;
  plannedRuns?: number;
  plannedPower?: number;
  ratio?: number;
  targetPower?: number;
  assumption?: string;
  expectedSeconds?: number;
  workers?: number;
  groups: {
    label: string;
    runs: number;
    modelSteps: number;
    secondsPerRun: number;
  }[];
  estimateMissing?: string;
  warnings: string[];
}

/** The `%%deni plan` cell for a spec and a question. */
export function studyPlanCell(
  spec: Record<string, unknown>,
  question?: IStudyQuestion
): string {
  const args = question
    ? ` --detect-std-ratio ${quoteArg(String(question.ratio))} --power ${quoteArg(String(question.power))}`
    : '';
  return `%%deni plan${args}\n${specToYaml(spec).trimEnd()}`;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const num = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;

/** Reads the kernel's answer; throws with the kernel's error or when no plan came back. */
export function readStudyPlan(result: IQuietResult): IStudyPlanView {
  if (result.error) {
    throw new Error(result.error);
  }
  const bundle = result.bundles.find(
    b => isRecord(b['application/json']) && 'study' in b['application/json']
  );
  const study = bundle
    ? (bundle['application/json'] as { study: unknown }).study
    : undefined;
  if (!isRecord(study)) {
    throw new Error('the kernel returned no study plan');
  }
  const power = isRecord(study.power) ? study.power : undefined;
  const est = isRecord(study.estimate) ? study.estimate : undefined;
  const view: IStudyPlanView = {
    groups: [],
    warnings: Array.isArray(study.warnings)
      ? study.warnings.filter((w): w is string => typeof w === 'string')
      : []
  };
  if (power) {
    view.runsNeeded = power.runs === null ? null : num(power.runs);
    view.maxRuns = num(power.maxRuns);
    view.plannedRuns = num(power.plannedRuns);
    view.plannedPower = num(power.plannedPower);
    view.ratio = num(power.ratio);
    view.targetPower = num(power.targetPower);
    view.assumption =
      typeof power.assumption === 'string' ? power.assumption : undefined;
  }
  if (est) {
    view.expectedSeconds = num(est.seconds);
    view.workers = num(est.workers);
    if (Array.isArray(est.groups)) {
      for (const g of est.groups) {
        if (isRecord(g) && typeof g.label === 'string') {
          view.groups.push({
            label: g.label,
            runs: num(g.runs) ?? 0,
            modelSteps: num(g.modelSteps) ?? 0,
            secondsPerRun: num(g.secondsPerRun) ?? 0
          });
        }
      }
    }
  }
  if (typeof study.estimateMissing === 'string') {
    view.estimateMissing = study.estimateMissing;
  }
  return view;
}

const pct = (x: number | undefined): string =>
  x === undefined ? '\u2013' : `${Math.round(100 * x)} %`;

/** The study plan as DOM (text only, built with textContent). */
export function studyPlanNode(view: IStudyPlanView): HTMLElement {
  const children: HTMLElement[] = [];
  if (view.ratio !== undefined) {
    const needed =
      view.runsNeeded === null
        ? `more than ${view.maxRuns ?? '?'} runs per strategy`
        : `${view.runsNeeded} runs per strategy`;
    children.push(
      el('div', {
        className: 'jp-deni-plan-runs',
        text: `Runs needed: ${needed} to detect std / default = ${view.ratio} with ${pct(view.targetPower)} power (Brown-Forsythe).`
      })
    );
    if (view.plannedRuns !== undefined) {
      children.push(
        el('div', {
          className: 'jp-deni-plan-planned',
          text: `This sweep: ${view.plannedRuns} runs per strategy \u2192 power ${pct(view.plannedPower)}.`
        })
      );
    }
    if (view.assumption) {
      children.push(
        el('div', { className: 'jp-deni-help', text: view.assumption })
      );
    }
  }
  if (view.expectedSeconds !== undefined) {
    children.push(
      el('div', {
        className: 'jp-deni-plan-time',
        text: `Expected time on the kernel's machine: ${fmtDuration(view.expectedSeconds)} on ${view.workers ?? '?'} worker(s).`
      })
    );
    if (view.groups.length > 0) {
      children.push(
        el('table', { className: 'jp-deni-table jp-deni-plan-table' }, [
          el('thead', {}, [
            el(
              'tr',
              {},
              ['Configuration', 'Runs', 'Model-steps / run', 'Time / run'].map(
                t => el('th', { text: t, attrs: { scope: 'col' } })
              )
            )
          ]),
          el(
            'tbody',
            {},
            view.groups.map(g =>
              el('tr', {}, [
                el('th', { text: g.label, attrs: { scope: 'row' } }),
                el('td', { text: String(g.runs) }),
                el('td', { text: g.modelSteps.toLocaleString('en-US') }),
                el('td', { text: fmtDuration(g.secondsPerRun) })
              ])
            )
          )
        ])
      );
    }
  } else if (view.estimateMissing) {
    children.push(
      el('div', {
        className: 'jp-deni-plan-time',
        text: `Expected time: unknown (${view.estimateMissing}).`
      })
    );
  }
  for (const w of view.warnings) {
    children.push(
      el('div', {
        className: 'jp-deni-plan-warning jp-deni-warning',
        text: `Warning: ${w}`,
        attrs: { role: 'alert' }
      })
    );
  }
  return el('div', { className: 'jp-deni-study-plan' }, children);
}
