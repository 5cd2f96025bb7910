import { describe, expect, it } from 'vitest';
import { displayPath } from './display-path';

describe('displayPath', () => {
  it('shows paths relative to the notebook folder, else to the home folder', () => {
    const cwd = '/srv/lab/notebooks';
    const home = '/home/ada';
    expect(displayPath('/srv/lab/notebooks', cwd, home)).toBe('.');
    expect(
      displayPath('/srv/lab/notebooks/.deni/results.sqlite', cwd, home)
    ).toBe('.deni/results.sqlite');
    expect(displayPath('.deni/r.sqlite', cwd, home)).toBe('.deni/r.sqlite');
    expect(
      displayPath(
        '/home/ada/.cache/jupyterlab-deni/models/minilm-l6',
        cwd,
        home
      )
    ).toBe('~/.cache/jupyterlab-deni/models/minilm-l6');
    expect(displayPath('/home/ada', cwd, home)).toBe('~');
    expect(displayPath('/home/adam/x', cwd, home)).toBe('/home/adam/x');
    expect(displayPath('/srv/lab/data.csv', cwd, home)).toBe(
      '/srv/lab/data.csv'
    );
  });
});
