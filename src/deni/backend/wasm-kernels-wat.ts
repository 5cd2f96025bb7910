import { headMatmulWat } from './wasm-head-matmul-wat';

/*
 * The fused kernels' WebAssembly text (see wasm-kernels.ts). Each element-wise formula is written
 * once against `Lanes` and emitted twice: a 4-lane SIMD loop and a 1-lane loop for the tail.
 * Pointers are byte offsets into tfjs-wasm's memory; counts are elements.
 */

type Width = 'f32x4' | 'f32';
type FloatOp = 'add' | 'sub' | 'mul' | 'div' | 'sqrt' | 'min' | 'max' | 'ge';

// One lane type's spelling of the operations the kernels use.
class Lanes {
  constructor(readonly w: Width) {}
  get simd(): boolean {
    return this.w === 'f32x4';
  }
  /** The element at the named pointer local plus byte offset $o. */
  load(ptr: string): string {
    const at = `(i32.add (local.get $${ptr}) (local.get $o))`;
    return this.simd ? `(v128.load align=4 ${at})` : `(f32.load ${at})`;
  }
  store(ptr: string, value: string): string {
    const at = `(i32.add (local.get $${ptr}) (local.get $o))`;
    return this.simd
      ? `(v128.store align=4 ${at} ${value})`
      : `(f32.store ${at} ${value})`;
  }
  /** An f32 local (parameter) broadcast to the lanes. */
  param(name: string): string {
    return this.simd
      ? `(f32x4.splat (local.get $${name}))`
      : `(local.get $${name})`;
  }
  /** A float32 constant; `Math.fround` is what tfjs makes of a JS number in a scalar tensor. */
  num(value: number): string {
    const c = `(f32.const ${floatText(value)})`;
    return this.simd ? `(f32x4.splat ${c})` : c;
  }
  op(name: FloatOp, ...args: string[]): string {
    // f32x4.min/max must order NaN and -0 and take ~6 x86 instructions each; pmin/pmax are one
    // minps/maxps and agree with them whenever neither operand is NaN or both are zeros, as in
    // every clamp here.
    const simdName = { min: 'pmin', max: 'pmax' } as Record<string, string>;
    return `(${this.w}.${this.simd ? (simdName[name] ?? name) : name} ${args.join(' ')})`;
  }
  /** A local of this lane type, named per width so both loops can declare it. */
  local(name: string): string {
    return `$${name}_${this.w}`;
  }
  get(name: string): string {
    return `(local.get ${this.local(name)})`;
  }
  set(name: string, value: string): string {
    return `(local.set ${this.local(name)} ${value})`;
  }
  declare(...names: string[]): string {
    return names
      .map(n => `(local ${this.local(n)} ${this.simd ? 'v128' : 'f32'})`)
      .join(' ');
  }
  /** `value` where `mask` (a comparison of these lanes) holds, else 0. */
  orZero(value: string, mask: string): string {
    return this.simd
      ? `(v128.bitselect ${value} (v128.const i32x4 0 0 0 0) ${mask})`
      : `(select ${value} (f32.const 0) ${mask})`;
  }
  /**
   * round(v) (half to even) for |v| < 2^22 without a rounding instruction: adding 1.5 * 2^23
   * leaves v rounded in the low mantissa bits, subtracting it gives the float back.
   */
  roundSmall(v: string): string {
    return this.op(
      'sub',
      this.op('add', v, this.num(ROUNDER)),
      this.num(ROUNDER)
    );
  }
  /**
   * 2^n for integral float lanes n in [-126, 127], built from the exponent bits: n + 1.5 * 2^23
   * holds n in its low bits (no float-to-int conversion, which x86 lacks for saturating lanes).
   */
  pow2(n: string): string {
    const bits = this.simd
      ? `(f32x4.add ${n} ${this.num(ROUNDER)})`
      : `(i32.reinterpret_f32 (f32.add ${n} ${this.num(ROUNDER)}))`;
    const bias = `(i32.const ${127 - ROUNDER_BITS})`;
    return this.simd
      ? `(i32x4.shl (i32x4.add ${bits} (i32x4.splat ${bias})) (i32.const 23))`
      : `(f32.reinterpret_i32 (i32.shl (i32.add ${bits} ${bias}) (i32.const 23)))`;
  }
}

// 1.5 * 2^23 and its float32 bits.
const ROUNDER = 12582912;
const ROUNDER_BITS = 0x4b400000;

// A float literal WAT reads back as exactly Math.fround(value).
function floatText(value: number): string {
  const f = Math.fround(value);
  return Object.is(f, -0) ? '-0.0' : f.toPrecision(9);
}

const BOTH = [new Lanes('f32x4'), new Lanes('f32')];

/*
 * Loops `body` over elements $i = 0 .. $count of the current stretch, setting byte offset $o:
 * four at a time, then one at a time. `tag` keeps labels unique when a function has several loops.
 */
function elementLoop(
  tag: string,
  count: string,
  body: (l: Lanes) => string
): string {
  return BOTH.map(l => {
    const limit = l.simd ? `(i32.and ${count} (i32.const -4))` : count;
    const label = `${tag}_${l.w}`;
    return `
    (block $done_${label} (loop $next_${label}
      (br_if $done_${label} (i32.ge_u (local.get $i) ${limit}))
      (local.set $o (i32.shl (local.get $i) (i32.const 2)))
      ${body(l)}
      (local.set $i (i32.add (local.get $i) (i32.const ${l.simd ? 4 : 1})))
      (br $next_${label})))`;
  }).join('');
}

/*
 * Adam as optimizer.ts's adamOps computes it, operation for operation: m1 = m b1 + g c1,
 * v1 = v b2 + (g g) c2, next = p - (m1 / (sqrt(v1) / bc2 + eps)) * step. The `first` variant has
 * no m and v (the first step: m1 = g c1, v1 = (g g) c2).
 */
function adam(first: boolean): string {
  const body = (l: Lanes): string => {
    const g = l.load('g');
    const gc1 = l.op('mul', g, l.param('c1'));
    const g2c2 = l.op('mul', l.op('mul', g, g), l.param('c2'));
    const m1 = first
      ? gc1
      : l.op('add', l.op('mul', l.load('m'), l.param('b1')), gc1);
    const v1 = first
      ? g2c2
      : l.op('add', l.op('mul', l.load('v'), l.param('b2')), g2c2);
    const denom = l.op(
      'add',
      l.op('div', l.op('sqrt', l.get('v1')), l.param('bc2')),
      l.param('eps')
    );
    const step = l.op('mul', l.op('div', l.get('m1'), denom), l.param('step'));
    return `${l.set('m1', m1)} ${l.set('v1', v1)}
      ${l.store('outM', l.get('m1'))}
      ${l.store('outV', l.get('v1'))}
      ${l.store('outP', l.op('sub', l.load('p'), step))}`;
  };
  return `
  (func (export "${first ? 'adam_first' : 'adam'}")
    (param $p i32) (param $g i32) (param $m i32) (param $v i32)
    (param $outP i32) (param $outM i32) (param $outV i32) (param $n i32)
    (param $b1 f32) (param $c1 f32) (param $b2 f32) (param $c2 f32)
    (param $bc2 f32) (param $eps f32) (param $step f32)
    (local $i i32) (local $o i32)
    ${BOTH.map(l => l.declare('m1', 'v1')).join(' ')}
    ${elementLoop('adam', '(local.get $n)', body)})`;
}

/*
 * erf(x) for float32 as the rational function XLA and Eigen use (their float32 erf): x clamped to
 * [-4, 4] (erf is +-1 in float32 beyond), then x P(x^2) / Q(x^2).
 */
export const ERF_NUMERATOR = [
  -2.72614225801306e-10, 2.77068142495902e-8, -2.10102402082508e-6,
  -5.69250639462346e-5, -7.34990630326855e-4, -2.95459980854025e-3,
  -1.60960333262415e-2
];
export const ERF_DENOMINATOR = [
  -1.45660718464996e-5, -2.13374055278905e-4, -1.68282697438203e-3,
  -7.37332916720468e-3, -1.42647390514189e-2
];

function horner(l: Lanes, x2: string, coefficients: number[]): string {
  let acc = l.op('mul', l.num(coefficients[0]), x2);
  coefficients.slice(1).forEach((c, i) => {
    acc =
      i === 0
        ? l.op('add', acc, l.num(c))
        : l.op('add', l.op('mul', acc, x2), l.num(c));
  });
  return acc;
}

/*
 * exp(z) for z <= 0 (Cephes expf: z = n ln 2 + r with |r| <= ln 2 / 2, a degree-7 polynomial in r,
 * times 2^n; ~1 ulp), and exactly 0 for z < floor (>= -87). The flush matters for speed: x86 runs
 * arithmetic on denormal floats ~100x slower and wasm cannot turn that off, so values that would
 * end up below float32's normal range become zeros instead (a denormal gradient would slow every
 * later product that reads it). Uses locals tmp, tmp+n, tmp+r, tmp+z.
 */
function expNonPositive(
  l: Lanes,
  z: string,
  tmp: string,
  floor: number
): string {
  const zc = l.op('max', l.get(`${tmp}z`), l.num(floor));
  const n = l.roundSmall(l.op('mul', l.get(tmp), l.num(Math.LOG2E)));
  const r = l.op(
    'sub',
    l.op('sub', l.get(tmp), l.op('mul', l.get(`${tmp}n`), l.num(0.693359375))),
    l.op('mul', l.get(`${tmp}n`), l.num(-2.1219444e-4))
  );
  let p = l.num(1.98756915e-4);
  for (const c of [
    1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1,
    5.0000001201e-1
  ]) {
    p = l.op('add', l.op('mul', p, l.get(`${tmp}r`)), l.num(c));
  }
  const poly = l.op(
    'add',
    l.op(
      'add',
      l.op('mul', p, l.op('mul', l.get(`${tmp}r`), l.get(`${tmp}r`))),
      l.get(`${tmp}r`)
    ),
    l.num(1)
  );
  const keep = l.op('ge', l.get(`${tmp}z`), l.num(floor));
  return `${l.set(`${tmp}z`, z)} ${l.set(tmp, zc)} ${l.set(`${tmp}n`, n)} ${l.set(`${tmp}r`, r)}
      ${l.set(tmp, l.orZero(l.op('mul', poly, l.pow2(l.get(`${tmp}n`))), keep))}`;
}

// exp(-x^2 / 2) under e^-80 is flushed: x phi(x) stays a normal float for every |x| it keeps.
const GELU_EXP_FLOOR = -80;

/*
 * GELU forward, y = x Phi(x) with Phi(x) = (erf(x / sqrt 2) + 1) / 2, in the order of model/ops.ts's
 * tf-ops version (so both give the same bits), and its slope Phi(x) + x phi(x) with
 * phi(x) = exp(-x^2 / 2) / sqrt(2 pi), kept for the gradient (dx = dy slope): computing it here,
 * while x is in registers, costs less than a backward pass reading x and Phi again.
 */
function geluForward(rowBias: boolean): string {
  const body = (l: Lanes): string => {
    const v = rowBias ? l.op('add', l.load('x'), l.param('bv')) : l.load('x');
    const xc = l.op(
      'min',
      l.op('max', l.op('mul', l.get('v'), l.num(Math.SQRT1_2)), l.num(-4)),
      l.num(4)
    );
    const erf = l.op(
      'div',
      l.op('mul', l.get('xc'), horner(l, l.get('x2'), ERF_NUMERATOR)),
      horner(l, l.get('x2'), ERF_DENOMINATOR)
    );
    const cdf = l.op('mul', l.op('add', erf, l.num(1)), l.num(0.5));
    const half = l.op('mul', l.op('mul', l.get('v'), l.get('v')), l.num(-0.5));
    const density = l.op('mul', l.get('e'), l.num(1 / Math.sqrt(2 * Math.PI)));
    return `${l.set('v', v)} ${l.set('xc', xc)} ${l.set('x2', l.op('mul', l.get('xc'), l.get('xc')))}
      ${l.set('cdf', cdf)}
      ${l.store('outY', l.op('mul', l.get('v'), l.get('cdf')))}
      ${expNonPositive(l, half, 'e', GELU_EXP_FLOOR)}
      ${l.store('outSlope', l.op('add', l.get('cdf'), l.op('mul', l.get('v'), density)))}`;
  };
  const locals = `(local $i i32) (local $o i32)
    ${BOTH.map(l => l.declare('v', 'xc', 'x2', 'cdf', 'e', 'en', 'er', 'ez')).join(' ')}`;
  if (!rowBias) {
    return `
  (func (export "gelu_forward")
    (param $x i32) (param $outY i32) (param $outSlope i32) (param $n i32)
    ${locals}
    ${elementLoop('gelu_f', '(local.get $n)', body)})`;
  }
  // GELU of x [rows, cols] plus bias[row] (a feed-forward layer kept transposed).
  return `
  (func (export "gelu_forward_rows")
    (param $x0 i32) (param $bias i32) (param $y0 i32) (param $s0 i32) (param $rows i32)
    (param $cols i32)
    (local $x i32) (local $outY i32) (local $outSlope i32) (local $r i32) (local $rowBytes i32)
    (local $bv f32)
    ${locals}
    ${rowLoop(
      'rows',
      'cols',
      [
        ['x', 'x0'],
        ['outY', 'y0'],
        ['outSlope', 's0']
      ],
      `(local.set $bv (f32.load ${rowItem('bias')}))
      (local.set $i (i32.const 0))
      ${elementLoop('gelu_r', '(local.get $cols)', body)}`
    )})`;
}

/*
 * Loops $r over the rows (count in local `rows`) of matrices `width` floats wide: for each row,
 * sets $rowBytes and points each [row local, base local] pair at that row, then runs `body`. The
 * function declares $r, $rowBytes and the row locals.
 */
function rowLoop(
  rows: string,
  width: string,
  pointers: Array<[string, string]>,
  body: string
): string {
  const set = pointers
    .map(
      ([row, base]) =>
        `(local.set $${row} (i32.add (local.get $${base}) (local.get $rowBytes)))`
    )
    .join(' ');
  return countedLoop(
    'r',
    `(local.get $${rows})`,
    1,
    `(local.set $rowBytes (i32.shl (i32.mul (local.get $r) (local.get $${width})) (i32.const 2)))
      ${set}
      ${body}`
  );
}

// Sets the named accumulators (both lane widths) to 0.
function zeroSums(...names: string[]): string {
  return names
    .map(
      n =>
        `(local.set $${n}_f32x4 (v128.const i32x4 0 0 0 0)) (local.set $${n}_f32 (f32.const 0))`
    )
    .join(' ');
}

// The address of element $r of the per-row array at pointer local `ptr`.
function rowItem(ptr: string): string {
  return `(i32.add (local.get $${ptr}) (i32.shl (local.get $r) (i32.const 2)))`;
}

// Sum of a v128 accumulator's four lanes plus a scalar one.
function laneSum(simd: string, scalar: string): string {
  const lane = (k: number): string => `(f32x4.extract_lane ${k} ${simd})`;
  return `(f32.add (f32.add (f32.add ${lane(0)} ${lane(1)}) (f32.add ${lane(2)} ${lane(3)})) ${scalar})`;
}

/*
 * LayerNorm forward over rows of width d, in model/ops.ts's order: mean, centred = x - mean,
 * variance = mean(centred^2), rstd = 1 / sqrt(variance + eps), y = centred rstd gamma + beta;
 * writes y and each row's mean and rstd (for the gradient). Sums run in 4 lanes plus a tail, in
 * a fixed order.
 */
function layerNormForward(): string {
  const centred = (l: Lanes): string =>
    l.op('sub', l.load('rx'), l.param('mu'));
  const sum = (l: Lanes): string =>
    l.set('s1', l.op('add', l.get('s1'), l.load('rx')));
  const squares = (l: Lanes): string =>
    `${l.set('c', centred(l))} ${l.set('s1', l.op('add', l.get('s1'), l.op('mul', l.get('c'), l.get('c'))))}`;
  const y = (l: Lanes): string =>
    l.store(
      'ry',
      l.op(
        'add',
        l.op('mul', l.op('mul', centred(l), l.param('rs')), l.load('gamma')),
        l.load('beta')
      )
    );
  const rowMean = `(f32.div ${laneSum('(local.get $s1_f32x4)', '(local.get $s1_f32)')} (f32.convert_i32_u (local.get $d)))`;
  const restart = `${zeroSums('s1')} (local.set $i (i32.const 0))`;
  const perRow = (out: string, value: string): string =>
    `(f32.store ${rowItem(out)} ${value})`;
  return `
  (func (export "layer_norm_forward")
    (param $x i32) (param $gamma i32) (param $beta i32)
    (param $outY i32) (param $outMean i32) (param $outRstd i32) (param $rows i32) (param $d i32)
    (param $eps f32)
    (local $i i32) (local $o i32) (local $r i32) (local $rowBytes i32) (local $rx i32) (local $ry i32)
    (local $mu f32) (local $rs f32)
    ${BOTH.map(l => l.declare('s1', 'c')).join(' ')}
    ${rowLoop(
      'rows',
      'd',
      [
        ['rx', 'x'],
        ['ry', 'outY']
      ],
      `${restart}
      ${elementLoop('lnf_sum', '(local.get $d)', sum)}
      (local.set $mu ${rowMean})
      ${restart}
      ${elementLoop('lnf_sq', '(local.get $d)', squares)}
      (local.set $rs (f32.div (f32.const 1) (f32.sqrt (f32.add ${rowMean} (local.get $eps)))))
      ${perRow('outMean', '(local.get $mu)')}
      ${perRow('outRstd', '(local.get $rs)')}
      (local.set $i (i32.const 0))
      ${elementLoop('lnf_y', '(local.get $d)', y)}`
    )})`;
}

/*
 * LayerNorm gradient over rows of width d, from the forward's per-row mean and 1/std:
 * xhat = (x - mean) rstd, g = dy gamma; dx = rstd (g - mean(g) - xhat mean(g xhat));
 * dgamma = sum over rows of dy xhat, dbeta = sum over rows of dy (both zeroed here first).
 */
function layerNormBackward(): string {
  const xhat = (l: Lanes): string =>
    l.op('mul', l.op('sub', l.load('rx'), l.param('mu')), l.param('rs'));
  const g = (l: Lanes): string => l.op('mul', l.load('rdy'), l.load('gamma'));
  const zero = (l: Lanes): string =>
    `${l.store('outGamma', l.num(0))} ${l.store('outBeta', l.num(0))}`;
  const sums = (
    l: Lanes
  ): string => `${l.set('xh', xhat(l))} ${l.set('gg', g(l))}
      ${l.set('s1', l.op('add', l.get('s1'), l.get('gg')))}
      ${l.set('s2', l.op('add', l.get('s2'), l.op('mul', l.get('gg'), l.get('xh'))))}
      ${l.store('outGamma', l.op('add', l.load('outGamma'), l.op('mul', l.load('rdy'), l.get('xh'))))}
      ${l.store('outBeta', l.op('add', l.load('outBeta'), l.load('rdy')))}`;
  const dx = (l: Lanes): string =>
    l.store(
      'rdx',
      l.op(
        'mul',
        l.param('rs'),
        l.op(
          'sub',
          l.op('sub', g(l), l.param('a')),
          l.op('mul', xhat(l), l.param('b'))
        )
      )
    );
  return `
  (func (export "layer_norm_backward")
    (param $dy i32) (param $x i32) (param $gamma i32) (param $mean i32) (param $rstd i32)
    (param $outDx i32) (param $outGamma i32) (param $outBeta i32) (param $rows i32) (param $d i32)
    (local $i i32) (local $o i32) (local $r i32) (local $rowBytes i32)
    (local $rx i32) (local $rdy i32) (local $rdx i32)
    (local $mu f32) (local $rs f32) (local $a f32) (local $b f32)
    ${BOTH.map(l => l.declare('s1', 's2', 'xh', 'gg')).join(' ')}
    (local.set $i (i32.const 0))
    ${elementLoop('ln_zero', '(local.get $d)', zero)}
    ${rowLoop(
      'rows',
      'd',
      [
        ['rx', 'x'],
        ['rdy', 'dy'],
        ['rdx', 'outDx']
      ],
      `(local.set $mu (f32.load ${rowItem('mean')}))
      (local.set $rs (f32.load ${rowItem('rstd')}))
      ${zeroSums('s1', 's2')}
      (local.set $i (i32.const 0))
      ${elementLoop('ln_sums', '(local.get $d)', sums)}
      (local.set $a (f32.div ${laneSum('(local.get $s1_f32x4)', '(local.get $s1_f32)')} (f32.convert_i32_u (local.get $d))))
      (local.set $b (f32.div ${laneSum('(local.get $s2_f32x4)', '(local.get $s2_f32)')} (f32.convert_i32_u (local.get $d))))
      (local.set $i (i32.const 0))
      ${elementLoop('ln_dx', '(local.get $d)', dx)}`
    )})`;
}

// i8x16.shuffle byte indices taking float lanes `lanes` (0-3 first operand, 4-7 second).
function floatShuffle(a: string, b: string, lanes: number[]): string {
  const bytes = lanes.flatMap(k => [0, 1, 2, 3].map(i => 4 * k + i));
  return `(i8x16.shuffle ${bytes.join(' ')} ${a} ${b})`;
}

// A counted loop over local $v, from the value the caller set, while < `limit`, by `step`.
function countedLoop(
  v: string,
  limit: string,
  step: number,
  body: string
): string {
  return `
    (block $done_${v} (loop $next_${v}
      (br_if $done_${v} (i32.ge_u (local.get $${v}) ${limit}))
      ${body}
      (local.set $${v} (i32.add (local.get $${v}) (i32.const ${step})))
      (br $next_${v})))`;
}

// Tile of the transpose: input rows x input columns (= output rows). 16 output rows keep their
// lines in distinct cache ways even when the output row stride is a multiple of 4 KiB; measured
// best of 8-256 x 4-128 on MiniLM and BERT-base shapes.
const TILE_I = 64;
const TILE_J = 16;

/*
 * 2-D transpose x [r, c] -> out [c, r]: 4 x 4 blocks transposed in registers (two rounds of lane
 * shuffles), visited in 64 x 16 tiles so that the output rows being written stay in cache
 * (tfjs-wasm's own loop writes whole output columns and thrashes when r is a multiple of 64);
 * rows and columns past the last multiple of 4 are copied one by one. Measured 0.03-0.1 ms for
 * MiniLM's [400 | 384 | 1536]-sided matrices (tfjs-wasm: 0.1-2.6 ms).
 */
function transpose(): string {
  const get = (v: string): string => `(local.get $${v})`;
  const min = (a: string, b: string): string =>
    `(select ${a} ${b} (i32.lt_u ${a} ${b}))`;
  const rowOf = (base: string, k: number, stride: string): string =>
    k === 0
      ? get(base)
      : `(i32.add ${get(base)} (i32.mul (i32.const ${k}) ${get(stride)}))`;
  const load = (k: number): string =>
    `(v128.load align=4 ${rowOf('src', k, 'rowBytes')})`;
  const store = (k: number, value: string): string =>
    `(v128.store align=4 ${rowOf('dst', k, 'outRowBytes')} ${value})`;
  const block = `
          (local.set $src (i32.add (local.get $x) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $c)) (local.get $j)) (i32.const 2))))
          (local.set $dst (i32.add (local.get $out) (i32.shl (i32.add (i32.mul (local.get $j) (local.get $r)) (local.get $i)) (i32.const 2))))
          (local.set $t0 ${floatShuffle(load(0), load(1), [0, 4, 1, 5])})
          (local.set $t1 ${floatShuffle(load(0), load(1), [2, 6, 3, 7])})
          (local.set $t2 ${floatShuffle(load(2), load(3), [0, 4, 1, 5])})
          (local.set $t3 ${floatShuffle(load(2), load(3), [2, 6, 3, 7])})
          ${store(0, floatShuffle(get('t0'), get('t2'), [0, 1, 4, 5]))}
          ${store(1, floatShuffle(get('t0'), get('t2'), [2, 3, 6, 7]))}
          ${store(2, floatShuffle(get('t1'), get('t3'), [0, 1, 4, 5]))}
          ${store(3, floatShuffle(get('t1'), get('t3'), [2, 3, 6, 7]))}`;
  const copy = `(f32.store
          (i32.add (local.get $out) (i32.shl (i32.add (i32.mul (local.get $j) (local.get $r)) (local.get $i)) (i32.const 2)))
          (f32.load (i32.add (local.get $x) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $c)) (local.get $j)) (i32.const 2)))))`;
  const tiles = countedLoop(
    'ti',
    get('r4'),
    TILE_I,
    `(local.set $iEnd ${min(`(i32.add ${get('ti')} (i32.const ${TILE_I}))`, get('r4'))})
      (local.set $tj (i32.const 0))
      ${countedLoop(
        'tj',
        get('c4'),
        TILE_J,
        `(local.set $jEnd ${min(`(i32.add ${get('tj')} (i32.const ${TILE_J}))`, get('c4'))})
        (local.set $i (local.get $ti))
        ${countedLoop(
          'i',
          get('iEnd'),
          4,
          `(local.set $j (local.get $tj)) ${countedLoop('j', get('jEnd'), 4, block)}`
        )}`
      )}`
  );
  // Leftover rows (all columns), then leftover columns of the other rows.
  const tailRows = `(local.set $i (local.get $r4)) ${countedLoop(
    'i',
    get('r'),
    1,
    `(local.set $j (i32.const 0)) ${countedLoop('j', get('c'), 1, copy)}`
  )}`;
  const tailCols = `(local.set $i (i32.const 0)) ${countedLoop(
    'i',
    get('r4'),
    1,
    `(local.set $j (local.get $c4)) ${countedLoop('j', get('c'), 1, copy)}`
  )}`;
  return `
  (func (export "transpose")
    (param $x i32) (param $out i32) (param $r i32) (param $c i32)
    (local $ti i32) (local $tj i32) (local $i i32) (local $j i32) (local $iEnd i32) (local $jEnd i32)
    (local $r4 i32) (local $c4 i32) (local $rowBytes i32) (local $outRowBytes i32)
    (local $src i32) (local $dst i32) (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $r4 (i32.and (local.get $r) (i32.const -4)))
    (local.set $c4 (i32.and (local.get $c) (i32.const -4)))
    (local.set $rowBytes (i32.shl (local.get $c) (i32.const 2)))
    (local.set $outRowBytes (i32.shl (local.get $r) (i32.const 2)))
    ${tiles}
    ${tailRows}
    ${tailCols})`;
}

/*
 * Softmax gradient over rows of width n, in tfjs's order: p = dy y, dx = p - (sum of the row's p) y.
 * The row sum runs in 4 lanes plus a tail, in a fixed order.
 */
function softmaxBackward(): string {
  const product = (l: Lanes): string =>
    l.set('p', l.op('mul', l.load('rdy'), l.load('ry')));
  const sum = (l: Lanes): string =>
    `${product(l)} ${l.set('s1', l.op('add', l.get('s1'), l.get('p')))}`;
  const dx = (l: Lanes): string =>
    `${product(l)} ${l.store('rdx', l.op('sub', l.get('p'), l.op('mul', l.param('dot'), l.load('ry'))))}`;
  return `
  (func (export "softmax_backward")
    (param $dy i32) (param $y i32) (param $outDx i32) (param $rows i32) (param $n i32)
    (local $i i32) (local $o i32) (local $r i32) (local $rowBytes i32)
    (local $rdy i32) (local $ry i32) (local $rdx i32) (local $dot f32)
    ${BOTH.map(l => l.declare('s1', 'p')).join(' ')}
    ${rowLoop(
      'rows',
      'n',
      [
        ['rdy', 'dy'],
        ['ry', 'y'],
        ['rdx', 'outDx']
      ],
      `${zeroSums('s1')}
      (local.set $i (i32.const 0))
      ${elementLoop('smb_sum', '(local.get $n)', sum)}
      (local.set $dot ${laneSum('(local.get $s1_f32x4)', '(local.get $s1_f32)')})
      (local.set $i (i32.const 0))
      ${elementLoop('smb_dx', '(local.get $n)', dx)}`
    )})`;
}

// Parameters and row-loop locals of the kernels over one matrix x [rows, cols] with output `out`.
const MATRIX_SIGNATURE = `(param $x i32) (param $out i32) (param $rows i32) (param $cols i32)
    (local $i i32) (local $o i32) (local $r i32) (local $rowBytes i32) (local $row i32)`;

/* Column sums of x [rows, cols] (a bias gradient): out[j] = sum over i of x[i][j], rows in order. */
function columnSums(): string {
  const zero = (l: Lanes): string => l.store('out', l.num(0));
  const add = (l: Lanes): string =>
    l.store('out', l.op('add', l.load('out'), l.load('row')));
  return `
  (func (export "column_sums")
    ${MATRIX_SIGNATURE}
    ${elementLoop('cs_zero', '(local.get $cols)', zero)}
    ${rowLoop(
      'rows',
      'cols',
      [['row', 'x']],
      `(local.set $i (i32.const 0))
      ${elementLoop('cs_add', '(local.get $cols)', add)}`
    )})`;
}

/* Row sums of x [rows, cols] (a bias gradient of a transposed layer), 4 lanes plus a tail. */
function rowSums(): string {
  const add = (l: Lanes): string =>
    l.set('s1', l.op('add', l.get('s1'), l.load('row')));
  return `
  (func (export "row_sums")
    ${MATRIX_SIGNATURE}
    ${BOTH.map(l => l.declare('s1')).join(' ')}
    ${rowLoop(
      'rows',
      'cols',
      [['row', 'x']],
      `${zeroSums('s1')}
      (local.set $i (i32.const 0))
      ${elementLoop('rs', '(local.get $cols)', add)}
      (f32.store ${rowItem('out')} ${laneSum('(local.get $s1_f32x4)', '(local.get $s1_f32)')})`
    )})`;
}

/*
 * 1 for each row of x [rows, cols] holding a value other than +-0 (NaN counts), else 0: the rows a
 * sparse embedding gradient touched. A row stops being read at its first such value.
 */
function nonZeroRows(): string {
  const test = (l: Lanes): string => {
    const nonZero = l.simd
      ? `(v128.any_true (f32x4.ne ${l.load('row')} (v128.const i32x4 0 0 0 0)))`
      : `(f32.ne ${l.load('row')} (f32.const 0))`;
    return `(if ${nonZero} (then (local.set $flag (f32.const 1)) (br $found)))`;
  };
  return `
  (func (export "non_zero_rows")
    ${MATRIX_SIGNATURE}
    (local $flag f32)
    ${rowLoop(
      'rows',
      'cols',
      [['row', 'x']],
      `(local.set $i (i32.const 0))
      (local.set $flag (f32.const 0))
      (block $found ${elementLoop('nz', '(local.get $cols)', test)})
      (f32.store ${rowItem('out')} (local.get $flag))`
    )})`;
}

/** The kernels' module text; tfjs-wasm's memory is imported (shared in its threaded build). */
export function kernelsWat(sharedMemory: boolean): string {
  const memory = sharedMemory ? '(memory 1 65536 shared)' : '(memory 1)';
  return `(module
  (import "env" "memory" ${memory})
  ${adam(false)}
  ${adam(true)}
  ${geluForward(false)}
  ${geluForward(true)}
  ${layerNormForward()}
  ${layerNormBackward()}
  ${transpose()}
  ${softmaxBackward()}
  ${columnSums()}
  ${rowSums()}
  ${nonZeroRows()}
  ${headMatmulWat()})`;
}
