import type {
  IIa3Settings,
  ILoraSettings,
  ITuningOverrides,
  IUniPeltSettings
} from './types';

/**
 * LoRA of PAPER.md. RoBERTa: every attention projection and every dense layer of the encoder
 * (`dense` also matches `attention.output.dense`, `intermediate.dense`, `output.dense`); the
 * pooler is excluded explicitly because it belongs to the head.
 */
export function paperLora(): ILoraSettings {
  return {
    r: 64,
    alpha: 64,
    dropout: 0.1,
    rankStabilised: true,
    bias: 'all',
    modules: {
      bert: { targets: ['query', 'value'] },
      roberta: {
        targets: ['query', 'key', 'value', 'dense'],
        exclude: ['pooler.dense']
      },
      albert: { targets: ['key', 'value'] }
    }
  };
}

/**
 * IA3 with peft 0.21's defaults (TRANSFORMERS_MODELS_TO_IA3_*_MAPPING): BERT and RoBERTa
 * `key`, `value`, `output.dense` with `output.dense` as feed-forward. peft's suffix rule makes
 * `output.dense` match `attention.output.dense` too, so that projection's input is scaled as well,
 * exactly as peft does. peft has no ALBERT default; we use the analogous modules (`key`, `value`,
 * `ffn_output`, the last one feed-forward).
 */
export function paperIa3(): IIa3Settings {
  return {
    modules: {
      bert: { targets: ['key', 'value', 'output.dense'] },
      roberta: { targets: ['key', 'value', 'output.dense'] },
      albert: { targets: ['key', 'value', 'ffn_output'] }
    },
    feedForward: {
      bert: ['output.dense'],
      roberta: ['output.dense'],
      albert: ['ffn_output']
    }
  };
}

/**
 * UniPELT as AdapterHub `adapters` 1.3 builds it (`UniPELTConfig`) with PAPER.md's sizes: LoRA
 * r 64 / alpha 64 on query+value (adapters' default `attn_matrices`), no dropout, no bias
 * training; prefix tuning with 25 tokens and a 512-wide reparameterisation MLP; a Pfeiffer
 * (SeqBn) bottleneck adapter with reduction 16 after the feed-forward block; all three gated.
 */
export function paperUniPelt(): IUniPeltSettings {
  return {
    lora: {
      r: 64,
      alpha: 64,
      dropout: 0,
      rankStabilised: false,
      bias: 'none',
      modules: {
        bert: { targets: ['query', 'value'] },
        roberta: { targets: ['query', 'value'] },
        albert: { targets: ['query', 'value'] }
      }
    },
    prefixLength: 25,
    prefixBottleneck: 512,
    adapterReduction: 16,
    gates: true
  };
}

/** Paper LoRA settings with overrides applied and checked. */
export function loraSettings(overrides?: ITuningOverrides): ILoraSettings {
  const s = { ...paperLora(), ...(overrides?.lora ?? {}) };
  checkLora(s, 'lora');
  return s;
}

/** Paper IA3 settings with overrides applied. */
export function ia3Settings(overrides?: ITuningOverrides): IIa3Settings {
  return { ...paperIa3(), ...(overrides?.ia3 ?? {}) };
}

/** Paper UniPELT settings with overrides applied and checked. */
export function uniPeltSettings(
  overrides?: ITuningOverrides
): IUniPeltSettings {
  const base = paperUniPelt();
  const o = overrides?.unipelt ?? {};
  const s: IUniPeltSettings = {
    ...base,
    ...o,
    lora: { ...base.lora, ...(o.lora ?? {}) }
  };
  checkLora(s.lora, 'unipelt.lora');
  for (const [key, value] of [
    ['prefixLength', s.prefixLength],
    ['prefixBottleneck', s.prefixBottleneck],
    ['adapterReduction', s.adapterReduction]
  ] as const) {
    if (!Number.isInteger(value) || value < 1) {
      throw new RangeError(
        `unipelt.${key} must be a positive integer, got ${String(value)}`
      );
    }
  }
  return s;
}

function checkLora(s: ILoraSettings, path: string): void {
  if (!Number.isInteger(s.r) || s.r < 1) {
    throw new RangeError(
      `${path}.r must be a positive integer, got ${String(s.r)}`
    );
  }
  if (!(Number.isFinite(s.alpha) && s.alpha > 0)) {
    throw new RangeError(
      `${path}.alpha must be a positive number, got ${String(s.alpha)}`
    );
  }
  if (!(s.dropout >= 0 && s.dropout < 1)) {
    throw new RangeError(
      `${path}.dropout must be in [0, 1), got ${String(s.dropout)}`
    );
  }
  if (s.bias !== 'none' && s.bias !== 'all') {
    throw new RangeError(
      `${path}.bias must be 'none' or 'all', got ${String(s.bias)}`
    );
  }
}

/** LoRA output scale: alpha / sqrt(r) when rank-stabilised, else alpha / r. */
export function loraScaling(s: ILoraSettings): number {
  return s.rankStabilised ? s.alpha / Math.sqrt(s.r) : s.alpha / s.r;
}
