/*
 * WebAssembly text of `head_matmul`, the per-head products of attention (see wasm-kernels.ts):
 * for every batch entry and head, C = alpha (A @ B) with A [m, k], B [k, n], C [m, n] read and
 * written in place through strides, so that queries, keys, values and contexts stay in their
 * [tokens, hidden] layout and no head is ever permuted into a tensor of its own. A may have any
 * strides (its elements are broadcast one at a time); B and C rows must be contiguous.
 *
 * Register tiles of ROWS rows x VECS 4-float vectors: per step of k, VECS loads of B, ROWS
 * broadcasts of A and ROWS x VECS multiply-adds, all accumulators in registers (V8 has 15 vector
 * registers on x64, so ROWS x VECS + VECS + 1 must stay within them; 2 x 4 was the fastest of
 * eleven tiles from 1 x 8 to 6 x 2 on MiniLM's attention). Every output element sums its k
 * products in order 0..k-1 whichever tile computes it, so the result is the same for any split of
 * the work.
 */

const ROWS = 2;
const VECS = 4;

// Strides and pointers are bytes. Columns past the last multiple of 4 are loaded as partial
// vectors (load32/64_zero) and stored lane by lane, so nothing outside a row is read or written.
type Part = 'full' | 1 | 2 | 3;

const get = (v: string): string => `(local.get $${v})`;
const set = (v: string, value: string): string => `(local.set $${v} ${value})`;
const add = (a: string, b: string): string => `(i32.add ${a} ${b})`;
const mul = (a: string, b: string): string => `(i32.mul ${a} ${b})`;
const int = (n: number): string => `(i32.const ${n})`;

function loadB(at: string, part: Part): string {
  switch (part) {
    case 'full':
      return `(v128.load align=4 ${at})`;
    case 1:
      return `(v128.load32_zero align=4 ${at})`;
    case 2:
      return `(v128.load64_zero align=4 ${at})`;
    case 3:
      return `(f32x4.replace_lane 2 (v128.load64_zero align=4 ${at}) (f32.load offset=8 ${at}))`;
  }
}

function storeC(at: string, value: string, part: Part): string {
  if (part === 'full') {
    return `(v128.store align=4 ${at} ${value})`;
  }
  return Array.from(
    { length: part },
    (_, lane) =>
      `(f32.store offset=${4 * lane} ${at} (f32x4.extract_lane ${lane} ${value}))`
  ).join(' ');
}

// One tile: rows $i.. $i+rows-1, columns $j.. (vecs vectors, the last one `part`).
function tile(rows: number, vecs: number, part: Part): string {
  const acc = (r: number, v: number): string => `acc${r}_${v}`;
  const lastPart = (v: number): Part => (v === vecs - 1 ? part : 'full');
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) {
    lines.push(
      set(`pa${r}`, add(get('A0'), mul(add(get('i'), int(r)), get('aR'))))
    );
    for (let v = 0; v < vecs; v++) {
      lines.push(set(acc(r, v), '(v128.const i32x4 0 0 0 0)'));
    }
  }
  lines.push(set('pb', add(get('B0'), `(i32.shl ${get('j')} (i32.const 2))`)));
  const step: string[] = [];
  for (let v = 0; v < vecs; v++) {
    step.push(set(`b${v}`, loadB(add(get('pb'), int(16 * v)), lastPart(v))));
  }
  for (let r = 0; r < rows; r++) {
    step.push(set('ar', `(f32x4.splat (f32.load ${get(`pa${r}`)}))`));
    for (let v = 0; v < vecs; v++) {
      step.push(
        set(
          acc(r, v),
          `(f32x4.add ${get(acc(r, v))} (f32x4.mul ${get('ar')} ${get(`b${v}`)}))`
        )
      );
    }
    step.push(set(`pa${r}`, add(get(`pa${r}`), get('aC'))));
  }
  step.push(set('pb', add(get('pb'), get('bR'))));
  lines.push(`(local.set $kk (i32.const 0))
        (block $kdone (loop $knext
          (br_if $kdone (i32.ge_u ${get('kk')} ${get('k')}))
          ${step.join('\n          ')}
          ${set('kk', add(get('kk'), int(1)))}
          (br $knext)))`);
  for (let r = 0; r < rows; r++) {
    const row = add(
      get('C0'),
      add(
        mul(add(get('i'), int(r)), get('cR')),
        `(i32.shl ${get('j')} (i32.const 2))`
      )
    );
    for (let v = 0; v < vecs; v++) {
      lines.push(
        storeC(
          add(row, int(16 * v)),
          `(f32x4.mul ${get(acc(r, v))} ${get('alpha4')})`,
          lastPart(v)
        )
      );
    }
  }
  return lines.join('\n        ');
}

// A loop over $v while $v + width <= limit, by width.
function stepping(
  v: string,
  width: number,
  limit: string,
  body: string,
  label: string
): string {
  return `(block $${label}_done (loop $${label}_next
        (br_if $${label}_done (i32.gt_u ${add(get(v), int(width))} ${limit}))
        ${body}
        ${set(v, add(get(v), int(width)))}
        (br $${label}_next)))`;
}

// All columns of rows $i .. $i + rows - 1.
function columns(rows: number, tag: string): string {
  const partial = ([1, 2, 3] as const)
    .map(
      t =>
        `(if (i32.eq (i32.sub ${get('n')} ${get('j')}) ${int(t)}) (then ${tile(rows, 1, t)}))`
    )
    .join('\n      ');
  return `${set('j', int(0))}
      ${stepping('j', 4 * VECS, get('n'), tile(rows, VECS, 'full'), `${tag}_wide`)}
      ${stepping('j', 4, get('n'), tile(rows, 1, 'full'), `${tag}_one`)}
      ${partial}`;
}

/** The `head_matmul` function's text (its parameters are listed in wasm-kernels.ts). */
export function headMatmulWat(): string {
  const accs: string[] = [];
  for (let r = 0; r < ROWS; r++) {
    accs.push(`(local $pa${r} i32)`);
    for (let v = 0; v < VECS; v++) {
      accs.push(`(local $acc${r}_${v} v128)`);
    }
  }
  const bs = Array.from({ length: VECS }, (_, v) => `(local $b${v} v128)`);
  const base = (p: string): string =>
    set(
      `${p.toUpperCase()}0`,
      add(
        get(p),
        add(mul(get('bi'), get(`${p}B`)), mul(get('h'), get(`${p}H`)))
      )
    );
  return `
  (func (export "head_matmul")
    (param $a i32) (param $aB i32) (param $aH i32) (param $aR i32) (param $aC i32)
    (param $b i32) (param $bB i32) (param $bH i32) (param $bR i32)
    (param $c i32) (param $cB i32) (param $cH i32) (param $cR i32)
    (param $batches i32) (param $heads i32) (param $m i32) (param $k i32) (param $n i32)
    (param $alpha f32)
    (local $bi i32) (local $h i32) (local $i i32) (local $j i32) (local $kk i32) (local $pb i32)
    (local $A0 i32) (local $B0 i32) (local $C0 i32) (local $ar v128) (local $alpha4 v128)
    ${accs.join(' ')} ${bs.join(' ')}
    ${set('alpha4', `(f32x4.splat ${get('alpha')})`)}
    ${set('bi', int(0))}
    (block $bi_done (loop $bi_next
      (br_if $bi_done (i32.ge_u ${get('bi')} ${get('batches')}))
      ${set('h', int(0))}
      (block $h_done (loop $h_next
        (br_if $h_done (i32.ge_u ${get('h')} ${get('heads')}))
        ${base('a')} ${base('b')} ${base('c')}
        ${set('i', int(0))}
        ${stepping('i', ROWS, get('m'), columns(ROWS, 'block'), 'rows')}
        ${stepping('i', 1, get('m'), columns(1, 'single'), 'row')}
        ${set('h', add(get('h'), int(1)))}
        (br $h_next)))
      ${set('bi', add(get('bi'), int(1)))}
      (br $bi_next))))`;
}
