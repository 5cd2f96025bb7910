import { describe, expect, it } from 'vitest';
import { sanitizeFigure } from './sanitize-figure';

describe('sanitizeFigure', () => {
  it('keeps plain data and escapes every string for plotly pseudo-HTML', () => {
    const out = sanitizeFigure(
      [
        {
          type: 'violin',
          name: 'a<br>b & c',
          y: [1, 2.5],
          box: { visible: true },
          marker: { color: 'rgb(1,2,3)' }
        }
      ],
      {
        title: { text: '<a href="https://x">click</a>' },
        xaxis: { type: 'category' }
      }
    );
    expect(out.data).toEqual([
      {
        type: 'violin',
        name: 'a&lt;br&gt;b &amp; c',
        y: [1, 2.5],
        box: { visible: true },
        marker: { color: 'rgb(1,2,3)' }
      }
    ]);
    expect(out.layout).toEqual({
      title: { text: '&lt;a href="https://x"&gt;click&lt;/a&gt;' },
      xaxis: { type: 'category' }
    });
    expect(out.dropped).toEqual([]);
  });

  it('drops template, UI and remote-content keys at any depth and reports their paths', () => {
    const out = sanitizeFigure(
      [
        {
          type: 'box',
          y: [1],
          hovertemplate: '%{y}<extra></extra>',
          marker: { texttemplate: 'x' }
        }
      ],
      {
        template: { data: {} },
        updatemenus: [],
        sliders: [],
        images: [],
        annotations: [{ text: 'ok', meta: 1 }]
      }
    );
    expect(out.data).toEqual([{ type: 'box', y: [1], marker: {} }]);
    expect(out.layout).toEqual({ annotations: [{ text: 'ok' }] });
    expect(out.dropped).toEqual([
      'data[0].hovertemplate',
      'data[0].marker.texttemplate',
      'layout.template',
      'layout.updatemenus',
      'layout.sliders',
      'layout.images',
      'layout.annotations[0].meta'
    ]);
  });

  it('drops trace types outside the allow-list and keys that are not attribute names', () => {
    const hostile = JSON.parse(
      '{"type":"scatter","x":[1],"__proto__":{"polluted":true},"on-click":"x"}'
    );
    const out = sanitizeFigure(
      [{ type: 'scattermapbox' }, { type: 'mesh3d' }, hostile, 'not a trace'],
      null
    );
    expect(out.data).toEqual([{ type: 'scatter', x: [1] }]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(out.dropped).toEqual([
      'data[0] (type scattermapbox)',
      'data[1] (type mesh3d)',
      'data[2].__proto__',
      'data[2].on-click',
      'data[3]'
    ]);
  });

  it('replaces non-finite numbers and cuts absurd nesting', () => {
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 30; i++) {
      deep = { a: deep };
    }
    const out = sanitizeFigure(
      [{ type: 'bar', y: [1, Number.NaN, Infinity] }],
      { deep }
    );
    expect(out.data[0].y).toEqual([1, null, null]);
    expect(out.dropped.some(p => p.startsWith('layout.deep.a.a'))).toBe(true);
  });
});
