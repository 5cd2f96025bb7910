import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { installKernelspec, kernelSpecJson, kernelsDir } from './kernelspec';

describe('kernelspec', () => {
  it('runs node on the kernel bundle with the connection file and message interrupts', () => {
    expect(
      kernelSpecJson('/opt/deni/dist/kernel.mjs', '/usr/bin/node')
    ).toEqual({
      argv: [
        '/usr/bin/node',
        '/opt/deni/dist/kernel.mjs',
        '-f',
        '{connection_file}'
      ],
      display_name: 'DENI (TypeScript)',
      language: 'typescript',
      interrupt_mode: 'message',
      metadata: { debugger: false }
    });
  });

  it('resolves each install target to the folder Jupyter searches', () => {
    expect(kernelsDir({ prefix: '/p/.venv' })).toBe(
      '/p/.venv/share/jupyter/kernels'
    );
    expect(kernelsDir({ jupyterPath: '/tmp/jp' })).toBe('/tmp/jp/kernels');
    expect(kernelsDir({ user: true }, { JUPYTER_DATA_DIR: '/home/u/jd' })).toBe(
      '/home/u/jd/kernels'
    );
    expect(kernelsDir({ sysPrefix: true }, { VIRTUAL_ENV: '/v' })).toBe(
      '/v/share/jupyter/kernels'
    );
    expect(() => kernelsDir({ sysPrefix: true }, {})).toThrow(
      /VIRTUAL_ENV or CONDA_PREFIX/
    );
    expect(() => kernelsDir({})).toThrow(/exactly one install target/);
    expect(() => kernelsDir({ user: true, prefix: '/p' })).toThrow(/got 2/);
  });

  it('writes kernels/deni/kernel.json', () => {
    const prefix = mkdtempSync(join(tmpdir(), 'deni-prefix-'));
    const dir = installKernelspec({ prefix }, '/x/kernel.mjs', {
      nodePath: '/n'
    });
    expect(dir).toBe(join(prefix, 'share/jupyter/kernels/deni'));
    const spec = JSON.parse(readFileSync(join(dir, 'kernel.json'), 'utf8'));
    expect(spec.argv).toEqual([
      '/n',
      '/x/kernel.mjs',
      '-f',
      '{connection_file}'
    ]);
  });
});
