import { describe, expect, it } from 'vitest';
import {
  MagicSyntaxError,
  parseCell,
  parseOptions,
  splitArgs
} from './grammar';
import { helpText, MAGICS } from './help';
import { planRequest } from './run';

describe('magic grammar', () => {
  it('treats cells without a magic as code', () => {
    expect(parseCell('const x = 1\nx')).toEqual({
      kind: 'code',
      code: 'const x = 1\nx'
    });
    expect(parseCell('x % deni')).toMatchObject({ kind: 'code' });
  });

  it('parses a cell magic with its body and the line where the body starts', () => {
    const cell = parseCell('\n%%deni sweep --dry\nname: a\nruns: 2');
    expect(cell).toEqual({
      kind: 'cell',
      command: 'sweep',
      args: ['--dry'],
      body: 'name: a\nruns: 2',
      bodyLine: 3
    });
  });

  it('parses several line magics in one cell, each with its line', () => {
    const cell = parseCell(
      '%deni report quick\n\n%deni export quick --format json "out dir/x.json"'
    );
    expect(cell).toEqual({
      kind: 'line',
      magics: [
        { command: 'report', args: ['quick'], line: 1 },
        {
          command: 'export',
          args: ['quick', '--format', 'json', 'out dir/x.json'],
          line: 3
        }
      ]
    });
  });

  it('rejects line magics mixed with code, naming the line', () => {
    expect(() => parseCell('%deni status\nconsole.log(1)')).toThrow(
      /mixed with code.*line 2/
    );
  });

  it('rejects unknown magics and a bare %%deni', () => {
    expect(() => parseCell('%timeit 1')).toThrow(/unknown magic %timeit/);
    expect(() => parseCell('%%deni\nname: x')).toThrow(MagicSyntaxError);
  });

  it('splits arguments like a shell', () => {
    expect(splitArgs('a "b c" \'d e\' f\\ g ""')).toEqual([
      'a',
      'b c',
      'd e',
      'f g',
      ''
    ]);
    expect(() => splitArgs('a "b', 4)).toThrow(/unterminated " quote.*line 4/);
  });

  it('separates options from positionals', () => {
    expect(
      parseOptions(['x', '--format', 'csv', '--store=a.db', 'p', '--flag'])
    ).toEqual({
      positional: ['x', 'p'],
      options: { format: 'csv', store: 'a.db', flag: true }
    });
  });

  it('builds a plan request with strategy params and validates numbers', () => {
    expect(
      planRequest(['deni,ensemble', '--epochs', '2', '--K', '5', '--s2', '0.1'])
    ).toEqual({
      strategies: ['deni', 'ensemble'],
      samples: 1000,
      epochs: 2,
      batchSize: 8,
      params: { K: 5, s2: 0.1 },
      json: false
    });
    // --tuning and --json are plan options, not strategy hyper-parameters.
    expect(
      planRequest(['deni', '--json', '--tuning', 'unipelt', '--K', '3'])
    ).toMatchObject({ tuning: 'unipelt', json: true, params: { K: 3 } });
    expect(() => planRequest(['deni', '--tuning'])).toThrow(
      /--tuning needs a tuning method/
    );
    expect(() => planRequest(['deni', '--epochs', 'two'])).toThrow(
      /--epochs is "two"; expected a positive integer/
    );
    expect(() => planRequest([])).toThrow(/needs strategy names/);
  });

  it('documents every magic in %deni help', () => {
    const help = helpText();
    for (const magic of MAGICS) {
      expect(help).toContain(magic.command);
    }
    expect(helpText('export')).toContain('--format csv|json');
    expect(() => helpText('nope')).toThrow(/no magic named "nope"/);
  });
});
