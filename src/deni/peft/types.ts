import type * as tf from '@tensorflow/tfjs-core';
import type {
  Architecture,
  IAdapterHooks,
  IEncoderConfig,
  WeightMap
} from '../model/types';
import type { Rng } from '../random';
import type { TuningMethodName } from '../contract/types';

export type { TuningMethodName };

/**
 * Module selection with peft's matching rule: a linear module of the backbone (named by its HF
 * module path, e.g. `encoder.layer.3.attention.self.query`) is selected when its path equals a
 * target or ends with `.` + target, and no `exclude` entry matches it the same way.
 */
export interface IModuleSelector {
  targets: string[];
  exclude?: string[];
}

/** LoRA hyper-parameters (PAPER.md: r 64, alpha 64, dropout 0.1, rsLoRA, bias all). */
export interface ILoraSettings {
  r: number;
  alpha: number;
  /** Dropout on the LoRA input (training only, through the forward's dropout function). */
  dropout: number;
  /** Rank-stabilised scaling alpha / sqrt(r) (rsLoRA); false = alpha / r (classic LoRA). */
  rankStabilised: boolean;
  /** peft's `bias`: 'all' trains every backbone tensor whose name contains `bias`. */
  bias: 'none' | 'all';
  /** Target modules per architecture (PAPER.md defaults). */
  modules: Record<Architecture, IModuleSelector>;
}

/** IA3 hyper-parameters (peft defaults per architecture). */
export interface IIa3Settings {
  /** Modules that get a learned scaling vector. */
  modules: Record<Architecture, IModuleSelector>;
  /**
   * Of those, the feed-forward ones (peft's `feedforward_modules`, same suffix rule): their
   * vector scales the INPUT of the linear map ([in]); the others scale its output ([out]).
   */
  feedForward: Record<Architecture, string[]>;
}

/** UniPELT hyper-parameters (Mao et al. 2022, as AdapterHub `adapters` implements it). */
export interface IUniPeltSettings {
  /** The gated LoRA part (no rsLoRA: scaling alpha / r, bias 'none' as in UniPELT). */
  lora: ILoraSettings;
  /** Prefix tokens per layer (PAPER.md: 25). */
  prefixLength: number;
  /** Hidden width of the prefix reparameterisation MLP (adapters' `bottleneck_size`: 512). */
  prefixBottleneck: number;
  /** Bottleneck adapter reduction factor (PAPER.md: 16): bottleneck = hidden / reduction. */
  adapterReduction: number;
  /** Learned sigmoid gates on each sub-module (UniPELT); false = plain sum of the three. */
  gates: boolean;
}

/** Partial overrides of one method's settings; any field absent keeps the paper value. */
export interface ITuningOverrides {
  lora?: Partial<ILoraSettings>;
  ia3?: Partial<IIa3Settings>;
  unipelt?: Partial<Omit<IUniPeltSettings, 'lora'>> & {
    lora?: Partial<ILoraSettings>;
  };
  /**
   * Whether the RoBERTa pooler (`pooler.dense.*`, part of the RoBERTa classification head) trains
   * under PEFT (PAPER.md: yes). Ignored for full fine-tuning, where everything trains.
   */
  trainRobertaPooler?: boolean;
}

/** Options of one forward pass that matter to adapters. */
export interface IHookOptions {
  training: boolean;
  /** Seeded dropout (src/deni/train); used only when training. */
  dropout?: (x: tf.Tensor, rate: number) => tf.Tensor;
  /**
   * Samples in the batch. The encoder hands hooks [batch * seq, hidden] tensors; UniPELT's gates
   * average over each sample's sequence, so they need it (required for UniPELT with gates).
   */
  batchSize?: number;
}

/**
 * One model's state under a tuning method: a frozen backbone shared by every copy, plus the
 * trainable tensors owned by this copy. The encoder forward (src/deni/model) reads `weights()`
 * and takes `hooks(opts)`.
 */
export interface IModelState {
  readonly method: TuningMethodName;
  readonly config: IEncoderConfig;
  readonly numClasses: number;
  /**
   * Backbone tensors that do not train. Shared by reference between copies: never copied,
   * never disposed by this state (the caller that loaded the checkpoint owns them).
   */
  readonly frozen: WeightMap;
  /** Tensors that train, by name (see `ITuningMethod.trainableNames` for the naming). */
  readonly trainable: Map<string, tf.Variable>;
  /**
   * The weight map the encoder forward reads: frozen tensors overlaid by the trainable ones with
   * the same HF name (head, biases, or every tensor for full fine-tuning). Adapter-only tensors
   * (LoRA, IA3, prefix, bottleneck) appear too; the model ignores names it does not know.
   * Without `params`: cached, the same Map object for the life of the state. With `params`
   * (a trainer's own copies of the trainable tensors, same names): a new Map using them instead.
   */
  weights(params?: ReadonlyMap<string, tf.Tensor>): WeightMap;
  /** One tensor by name (trainable first, then frozen); throws naming the missing tensor. */
  weight(name: string): tf.Tensor;
  /**
   * Adapter hooks for one forward pass, reading adapter tensors from `params` (default: this
   * state's own trainable tensors); undefined for full fine-tuning. Cheap: build one per pass.
   */
  hooks(
    opts: IHookOptions,
    params?: ReadonlyMap<string, tf.Tensor>
  ): IAdapterHooks | undefined;
  /**
   * A copy sharing the frozen backbone: only trainable tensors are duplicated (new variables),
   * so K PEFT copies cost K x trainableBytes(), not K backbones. tfjs variables share their
   * source's buffer until first assigned, so the bytes appear when a copy diverges (noise, a step).
   */
  clone(): IModelState;
  /** Overwrites every trainable tensor with the values of `other` (same method and names). */
  assignFrom(other: IModelState): void;
  /** Disposes the trainable variables only. */
  dispose(): void;
  /** Bytes held by the trainable tensors (float32). */
  trainableBytes(): number;
  /** Total element count of the trainable tensors. */
  trainableParams(): number;
  /**
   * Tensors that noise-based strategies perturb (PAPER.md): the classifier (`classifier.weight`
   * and `classifier.bias`) for full fine-tuning, for every architecture; every trainable tensor
   * for PEFT.
   */
  noiseTargets(): string[];
}

/** A tuning method: which tensors train, how they are created, initialised and copied. */
export interface ITuningMethod {
  readonly name: TuningMethodName;
  /** Learning rate of PAPER.md for this method and architecture. */
  paperLearningRate(architecture: Architecture): number;
  /**
   * Names of the tensors that would train, without creating anything. `backboneNames` are the
   * checkpoint's tensor names (HF, without model prefix); `shapes` resolves module dims.
   * Naming: backbone tensors keep their HF name (`encoder.layer.0.attention.self.query.bias`);
   * head `classifier.weight|bias`; LoRA `<module>.lora_A.weight` [r, in],
   * `<module>.lora_B.weight` [out, r] (peft's names without the adapter name); IA3
   * `<module>.ia3_l` ([out], or [in] for feed-forward modules); UniPELT adds
   * `<module>.lora_gate.weight|bias`, `prefix.wte`, `prefix.control.0|2.weight|bias`,
   * `<attention module>.prefix_gate.weight|bias`, `<ffn output module>.adapter.down|up|gate.weight|bias`.
   */
  trainableNames(
    config: IEncoderConfig,
    backbone: WeightMap,
    numClasses: number
  ): string[];
  /**
   * Builds a model state. The head comes from src/deni/model's `initHead` with
   * `initRng.fork('head')` (the first fork, so the head is identical across methods for one
   * init seed), new adapter tensors from `initRng.fork('adapters')`, in a fixed order.
   * The backbone map is never modified or disposed.
   */
  prepare(
    config: IEncoderConfig,
    backbone: WeightMap,
    numClasses: number,
    initRng: Rng
  ): IModelState;
}
