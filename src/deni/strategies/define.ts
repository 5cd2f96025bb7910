import type { StrategyName } from '../contract/types';
import { uniformMean } from './event-handlers';
import { runPlan } from './run-plan';
import { resolveParams } from './hyper-params';
import { buildPlan, type IStrategyShape } from './build-plan';
import type { IParamSpec, IStrategy } from './types';

/** Builds an IStrategy from its declared shape (events, epochs, optimiser, data needs). */
export function defineStrategy(
  name: StrategyName,
  description: string,
  params: IParamSpec[],
  shape: IStrategyShape
): IStrategy {
  const strategy: IStrategy = {
    name,
    description,
    params,
    resolveParams: overrides => resolveParams(name, params, overrides),
    dataNeeds: overrides =>
      shape.dataNeeds?.(resolveParams(name, params, overrides)) ?? {
        augment: 0,
        allData: false
      },
    plan: config =>
      buildPlan(
        name,
        shape,
        resolveParams(name, params, config.params),
        config
      ),
    run: async ctx => {
      const plan = strategy.plan({
        samples: ctx.samples,
        epochs: ctx.epochs,
        batchSize: ctx.batchSize,
        testSamples: ctx.test.size,
        params: ctx.params,
        trainSamples: ctx.train.size
      });
      return runPlan(plan, ctx, {
        headMixout: shape.headMixout?.(plan.params) ?? 0,
        averageKeep: shape.averageKeep?.(plan.params) ?? uniformMean
      });
    }
  };
  return strategy;
}
