import { describe, expect, it } from 'vitest';
import { doneBundle } from '../testing/bundles';
import {
  escapeLatex,
  escapeMarkdown,
  tableToLatex,
  tableToMarkdown
} from './table-format';

describe('tableToMarkdown', () => {
  it('writes the paper table with bold best means and italic lowest stds', () => {
    expect(tableToMarkdown(doneBundle().tables[0])).toBe(
      [
        '**Macro-F1 (minilm-l6, full)**',
        '',
        '| Strategy | sst2 | trec |',
        '| --- | ---: | ---: |',
        '| default | 80.10 (4.20) | 70.00 (6.00) |',
        '| ensemble | **83.50 (2.10)** | \u2013 |',
        '| deni | _82.90 (1.10)_ | **_74.20 (2.50)_** |',
        '',
        'Bold: best mean of the column; italic: lowest std of the column.',
        ''
      ].join('\n')
    );
  });

  it('follows a given row order and rejects an order outside the table', () => {
    const table = doneBundle().tables[0];
    const lines = tableToMarkdown(table, [2, 0]).split('\n');
    expect(lines[4].startsWith('| deni |')).toBe(true);
    expect(lines[5].startsWith('| default |')).toBe(true);
    expect(() => tableToMarkdown(table, [5])).toThrow(
      'Row order index 5 is out of range'
    );
  });

  it('escapes pipes, emphasis, links and HTML so text stays text', () => {
    expect(escapeMarkdown('a|b *c* _d_ [e](f) <g> \\')).toBe(
      'a\\|b \\*c\\* \\_d\\_ \\[e\\](f) &lt;g&gt; \\\\'
    );
    const table = doneBundle().tables[0];
    table.rows[0].label = 'x|y\nz';
    expect(tableToMarkdown(table)).toContain('| x\\|y z | 80.10 (4.20) |');
  });
});

describe('tableToLatex', () => {
  it('writes a booktabs table with bold best means and underlined lowest stds', () => {
    expect(tableToLatex(doneBundle().tables[0])).toBe(
      [
        '\\begin{table}[t]',
        '\\centering',
        '\\caption{Macro-F1 (minilm-l6, full)}',
        '\\begin{tabular}{lcc}',
        '\\toprule',
        'Strategy & sst2 & trec \\\\',
        '\\midrule',
        'default & 80.10 (4.20) & 70.00 (6.00) \\\\',
        'ensemble & \\textbf{83.50 (2.10)} & -- \\\\',
        'deni & \\underline{82.90 (1.10)} & \\textbf{\\underline{74.20 (2.50)}} \\\\',
        '\\bottomrule',
        '\\end{tabular}',
        '\\end{table}',
        ''
      ].join('\n')
    );
  });

  it('escapes every LaTeX special character (no command can be injected)', () => {
    expect(escapeLatex('\\input{/etc/passwd} 50% & $x$ #1 a_b ~ ^ <>')).toBe(
      '\\textbackslash{}input\\{/etc/passwd\\} 50\\% \\& \\$x\\$ \\#1 a\\_b \\textasciitilde{} \\textasciicircum{} \\textless{}\\textgreater{}'
    );
    const table = doneBundle().tables[0];
    table.columns[0] = 'all_data & more';
    expect(tableToLatex(table)).toContain(
      'Strategy & all\\_data \\& more & trec \\\\'
    );
  });
});
