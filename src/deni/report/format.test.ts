import { describe, expect, it } from 'vitest';
import { buildReport } from './build';
import { csvField, escapeHtml, escapeLatex, escapeMarkdown } from './escape';
import { formatReport } from './format';
import { syntheticGroup } from './synthetic';

const HOSTILE_STRATEGY = '<script>alert("x")</script>&';
const HOSTILE_DATASET = '<img src=x onerror=alert(1)>_50%$#{}~^\\|data';

function hostileBundle() {
  return buildReport(
    'sweep <b>&"\'',
    [
      ...syntheticGroup([80, 82, 84], {
        strategy: 'default',
        dataset: HOSTILE_DATASET
      }),
      ...syntheticGroup([85, 85.5, 86], {
        strategy: { name: 'deni', params: { note: HOSTILE_STRATEGY } },
        dataset: HOSTILE_DATASET
      })
    ],
    { status: 'error', error: 'worker <died> & "left"', resamples: 50 }
  );
}

describe('HTML', () => {
  const html = formatReport(hostileBundle(), 'html');

  it('escapes hostile strategy, data set, sweep and error text', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toContain('<b>');
    expect(html).toContain(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;'
    );
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('worker &lt;died&gt; &amp; &quot;left&quot;');
  });

  it('uses only the jp-deni- class prefix, no scripts, styles or event handlers', () => {
    const classes = [...html.matchAll(/class="([^"]*)"/g)].flatMap(m =>
      m[1].split(' ')
    );
    expect(classes.length).toBeGreaterThan(5);
    for (const c of classes) {
      expect(c).toMatch(/^jp-deni-/);
    }
    const tags = new Set([...html.matchAll(/<([a-z]+)/g)].map(m => m[1]));
    for (const tag of tags) {
      expect([
        'div',
        'p',
        'strong',
        'pre',
        'table',
        'caption',
        'thead',
        'tbody',
        'tr',
        'th',
        'td',
        'em',
        'progress'
      ]).toContain(tag);
    }
    for (const tag of html.match(/<[^>]*>/g) ?? []) {
      expect(tag).not.toMatch(/\son[a-z]+=/i);
    }
  });

  it('bolds the best mean and italicises the lowest std', () => {
    expect(html).toContain('<strong>85.50</strong> (<em>0.41</em>)');
    expect(html).toContain('jp-deni-best-mean jp-deni-best-std');
  });

  it('writes a standalone page on request', () => {
    const page = formatReport(hostileBundle(), 'html', { standalone: true });
    expect(page.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(page).toContain(
      '<title>DENI report: sweep &lt;b&gt;&amp;&quot;&#39;</title>'
    );
    expect(page).not.toMatch(/<script/i);
  });
});

describe('LaTeX', () => {
  it('escapes special characters and uses booktabs', () => {
    expect(escapeLatex('a_b%c$d#e&f{g}h~i^j\\k<l>m|n')).toBe(
      'a\\_b\\%c\\$d\\#e\\&f\\{g\\}h\\textasciitilde{}i\\textasciicircum{}j\\textbackslash{}k\\textless{}l\\textgreater{}m\\textbar{}n'
    );
    const tex = formatReport(hostileBundle(), 'latex');
    expect(tex).toContain('\\toprule');
    expect(tex).toContain('\\midrule');
    expect(tex).toContain('\\bottomrule');
    expect(tex).toContain(
      '\\textless{}img src=x onerror=alert(1)\\textgreater{}\\_50\\%\\$\\#\\{\\}\\textasciitilde{}\\textasciicircum{}\\textbackslash{}\\textbar{}data'
    );
    expect(tex).toContain('\\textbf{85.50} (\\underline{0.41})');
    // No unescaped specials survive in the body rows (outside our own commands).
    const rows = tex
      .split('\n')
      .filter(l => l.endsWith('\\\\') && l.includes('deni'));
    for (const row of rows) {
      const bare = row
        .replace(/\\[a-z]+\{[^}]*\}|\\[a-z]+\{\}|\\[&%$#_{}]|\\\\$/g, '')
        .replace(/ & /g, ' ');
      expect(bare).not.toMatch(/[&%$#_{}~^\\]/);
    }
  });
});

describe('per-run-index tables (byrun, paired)', () => {
  it('escape hostile strategy and data set names in every format', () => {
    const bundle = hostileBundle();
    const tables: ('byrun' | 'paired')[] = ['byrun', 'paired'];
    const html = formatReport(bundle, 'html', { tables });
    expect(html).not.toMatch(/<script|<img/i);
    expect(html).toContain('<th class="jp-deni-num">deni(note=&lt;script&gt;');
    const md = formatReport(bundle, 'md', { tables });
    expect(md).not.toMatch(/<script|<img/);
    expect(md).toContain(
      'deni(note=&lt;script&gt;alert("x")&lt;/script&gt;&amp;)'
    );
    const tex = formatReport(bundle, 'latex', { tables });
    expect(tex).toContain('deni(note=\\textless{}script\\textgreater{}');
    expect(tex).not.toContain('_50%');
    const text = formatReport(bundle, 'text', { tables });
    expect(text).toContain('Paired against default');
    const csv = formatReport(bundle, 'csv', { tables: ['byrun'] });
    expect(csv.split('\r\n')[0]).toBe(
      'dataset,run,default,"deni(note=<script>alert(""x"")</script>&)"'
    );
    // Run i of both: 85 - 80, 85.5 - 82, 86 - 84.
    expect(csv.split('\r\n')[2]).toMatch(/,1,82\.00,85\.50 \(\+3\.50\)$/);
  });
});

describe('Markdown, CSV, text and JSON', () => {
  it('escapes Markdown and keeps one cell per column', () => {
    expect(escapeMarkdown('a|b*c_<d>`e`')).toBe('a\\|b\\*c\\_&lt;d&gt;\\`e\\`');
    const md = formatReport(hostileBundle(), 'md');
    expect(md).not.toMatch(/<script|<img/);
    const row = md.split('\n').find(l => l.startsWith('| deni'));
    expect(row).toBeDefined();
    // strategy + one data set column: three unescaped pipes... plus the leading one
    expect((row as string).replace(/\\\|/g, '').split('|').length - 2).toBe(2);
    expect(md).toContain('**85.50** (*0.41*)');
  });

  it('quotes CSV fields and defuses formulas', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvField(-1.5)).toBe('-1.5');
    expect(csvField(null)).toBe('');
    const csv = formatReport(hostileBundle(), 'csv');
    const lines = csv.trimEnd().split('\r\n');
    expect(
      lines[0].startsWith(
        'dataset,model,tuning,strategy,runs,mean,std,sample std'
      )
    ).toBe(true);
    expect(lines).toHaveLength(3);
    expect(lines[2]).toContain('"deni(note=<script>alert(""x"")</script>&)"');
    const runs = formatReport(hostileBundle(), 'csv', { tables: ['runs'] });
    expect(runs.trimEnd().split('\r\n')).toHaveLength(7);
    const paper = formatReport(hostileBundle(), 'csv', { tables: ['paper'] });
    expect(paper.split('\r\n')[2]).toMatch(
      /^"deni\(note=.*",85\.50 \(0\.41\)$/
    );
  });

  it('writes aligned text without control characters from names', () => {
    const bundle = buildReport(
      't',
      syntheticGroup([1, 2], { dataset: 'evil\u001b[2Jname\nx' }),
      {
        status: 'done',
        resamples: 10
      }
    );
    const text = formatReport(bundle, 'text');
    expect(text).not.toContain('\u001b');
    expect(text).toContain('evil [2Jname x');
  });

  it('round-trips the bundle as JSON and rejects unknown formats', () => {
    const bundle = hostileBundle();
    expect(JSON.parse(formatReport(bundle, 'json'))).toEqual(bundle);
    expect(() => formatReport(bundle, 'pdf' as 'md')).toThrow(
      /format: got "pdf"; valid: html, md, latex, csv, json, text/
    );
    expect(escapeHtml('\'"')).toBe('&#39;&quot;');
  });
});
