import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  parseSafetensors,
  readSafetensors,
  serializeSafetensors
} from './safetensors';
import { python, scratchFile } from './testing/fixtures';

describe('safetensors reader', () => {
  it('reads F32, F16, BF16 and I64 written by the Python safetensors package, with __metadata__', async () => {
    const file = scratchFile('dtypes.safetensors');
    execFileSync(python, [
      '-c',
      `
import torch
from safetensors.torch import save_file
v = torch.tensor([[0.5, -1.25, 3.0], [1e-3, 65504.0, -2.0e-5]])
save_file({"f32": v, "f16": v.half(), "bf16": v.bfloat16(), "ids": torch.arange(6).reshape(2, 3)},
          "${file}", metadata={"format": "pt", "note": "x"})
`
    ]);
    const { tensors, metadata } = await readSafetensors(file);
    expect(metadata).toEqual({ format: 'pt', note: 'x' });
    expect(tensors.get('f32')!.shape).toEqual([2, 3]);
    expect(Array.from(tensors.get('f32')!.data)).toEqual(
      Array.from(new Float32Array([0.5, -1.25, 3.0, 1e-3, 65504.0, -2.0e-5]))
    );
    // Values exactly as torch rounds them to half / bfloat16.
    const f16 = Array.from(tensors.get('f16')!.data);
    expect(f16.slice(0, 3)).toEqual([0.5, -1.25, 3]);
    expect(f16[4]).toBe(65504);
    expect(f16[3]).toBe(1049 * 2 ** -20);
    expect(f16[5]).toBe(-336 * 2 ** -24); // a subnormal half
    const bf16 = Array.from(tensors.get('bf16')!.data);
    expect(bf16.slice(0, 3)).toEqual([0.5, -1.25, 3]);
    expect(bf16[4]).toBe(65536);
    expect(tensors.get('ids')!.data).toBeInstanceOf(Int32Array);
    expect(Array.from(tensors.get('ids')!.data)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('round-trips its own writer', () => {
    const m = new Map([
      ['a', { shape: [2], data: new Float32Array([1.5, -2]) }],
      ['b', { shape: [1, 3], data: new Int32Array([7, 8, 9]) }]
    ]);
    const back = parseSafetensors(serializeSafetensors(m, { k: 'v' }));
    expect(back.metadata).toEqual({ k: 'v' });
    expect(Array.from(back.tensors.get('a')!.data)).toEqual([1.5, -2]);
    expect(back.tensors.get('b')!.shape).toEqual([1, 3]);
  });

  it('rejects truncated files and unknown dtypes clearly', () => {
    const good = serializeSafetensors(
      new Map([['a', { shape: [4], data: new Float32Array(4) }]])
    );
    expect(() =>
      parseSafetensors(good.subarray(0, good.length - 4), 'x.safetensors')
    ).toThrow(/x.safetensors.*'a'/);
    const header = JSON.stringify({
      z: { dtype: 'C64', shape: [1], data_offsets: [0, 8] }
    }).padEnd(24, ' ');
    const buf = new Uint8Array(8 + header.length + 8);
    new DataView(buf.buffer).setBigUint64(0, BigInt(header.length), true);
    buf.set(new TextEncoder().encode(header), 8);
    expect(() => parseSafetensors(buf)).toThrow(/'z'.*C64/);
  });
});
