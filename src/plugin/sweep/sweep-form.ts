/**
 * The seed-sweep form: DOM controls generated from {@link IFormField}s, the spec they hold
 * (`value()`), and per-field error display. Framework-free so it is unit-tested in jsdom.
 */
import { el } from '../report/dom';
import type { IFormField } from './schema-fields';
import type { SpecErrors } from './validate-spec';

type Control = {
  field: IFormField;
  read: () => unknown;
  write: (value: unknown) => void;
  error: HTMLElement;
  /** Text fields: a structured value (a local file spec) shown as `text` until edited. */
  override?: (value: unknown, text: string) => void;
};

/** One entry of a field's picker (see SweepForm.setChoices). */
export interface IFieldChoice {
  value: string;
  label: string;
  group: string;
}

function listValue(text: string): string | string[] | undefined {
  const items = text
    .split(',')
    .map(s => s.trim())
    .filter(s => s !== '');
  return items.length === 0 ? undefined : items.length === 1 ? items[0] : items;
}

function asStrings(value: unknown): string[] {
  if (Array.isArray(value)) {
    return value.map(v =>
      typeof v === 'string' ? v : String((v as { name?: unknown })?.name ?? '')
    );
  }
  return typeof value === 'string' ? [value] : [];
}

/** Dotted path of a field (`budget.epochs`), also its `data-path` attribute. */
export function pathKey(field: IFormField): string {
  return field.path.join('.');
}

/** The generated form. */
export class SweepForm {
  /** The `<form>` element. */
  readonly node: HTMLFormElement;

  /**
   * @param fields from `fieldsFromSchema`
   * @param onChange called after any edit (the widget re-validates and re-estimates)
   */
  constructor(
    readonly fields: IFormField[],
    private readonly _onChange: () => void = () => undefined
  ) {
    this.node = el('form', {
      className: 'jp-deni-form',
      attrs: { novalidate: '' }
    });
    this.node.addEventListener('submit', event => event.preventDefault());
    for (const field of fields) {
      this.node.appendChild(this._build(field));
    }
  }

  /** The spec the form holds: empty optional fields are left out; groups only when non-empty. */
  value(): Record<string, unknown> {
    return this._collect(this.fields) ?? {};
  }

  /** Set a field by dotted path (`runs`, `budget.epochs`); unknown paths throw. */
  setValue(path: string, value: unknown): void {
    const control = this._controls.get(path);
    if (!control) {
      throw new Error(
        `The sweep form has no field "${path}"; fields: ${[...this._controls.keys()].join(', ')}.`
      );
    }
    control.write(value);
  }

  /**
   * Fill a text field's picker (a select beside the free-text input) with `choices`, grouped;
   * picking one sets the field. Free entry stays possible (`hf:<repo>`, a path).
   */
  setChoices(path: string, choices: IFieldChoice[]): void {
    const control = this._controls.get(path);
    const wrapper = this.node.querySelector<HTMLElement>(
      `.jp-deni-field[data-path="${path}"]`
    );
    if (!control || !wrapper) {
      throw new Error(`The sweep form has no text field "${path}".`);
    }
    const groups = new Map<string, IFieldChoice[]>();
    for (const c of choices) {
      groups.set(c.group, [...(groups.get(c.group) ?? []), c]);
    }
    const select = el(
      'select',
      {
        className: 'jp-deni-input jp-deni-picker',
        attrs: {
          name: `${path}-picker`,
          'aria-label': `${control.field.title}: pick from the kernel's list`
        }
      },
      [
        el('option', {
          text: `Pick a ${control.field.title.toLowerCase()}\u2026`,
          attrs: { value: '' }
        }),
        ...[...groups].map(([group, list]) =>
          el(
            'optgroup',
            { attrs: { label: group } },
            list.map(c =>
              el('option', { text: c.label, attrs: { value: c.value } })
            )
          )
        )
      ]
    );
    select.addEventListener('change', () => {
      if (select.value !== '') {
        control.write(select.value);
        this._onChange();
      }
    });
    wrapper.querySelector('.jp-deni-picker')?.remove();
    wrapper.querySelector('label')?.after(select);
  }

  /** Set a text field to a structured value (a local file spec), shown as `text` until edited. */
  setObject(path: string, value: unknown, text: string): void {
    const control = this._controls.get(path);
    if (!control?.override) {
      throw new Error(`The sweep form has no text field "${path}".`);
    }
    control.override(value, text);
    this._onChange();
  }

  /** True when the form has a field at `path`. */
  has(path: string): boolean {
    return this._controls.has(path);
  }

  /** Show `errors` beside their fields (errors on unknown paths go to the form's top). */
  showErrors(errors: SpecErrors): void {
    for (const [path, control] of this._controls) {
      const msg = errors.get(path);
      control.error.textContent = msg ? `${control.field.title} ${msg}` : '';
      control.error.parentElement?.classList.toggle(
        'jp-deni-field-invalid',
        !!msg
      );
    }
  }

  private _collect(fields: IFormField[]): Record<string, unknown> | undefined {
    const out: Record<string, unknown> = {};
    for (const field of fields) {
      const v =
        field.kind === 'group'
          ? this._collect(field.children ?? [])
          : this._controls.get(pathKey(field))?.read();
      if (v !== undefined) {
        out[field.key] = v;
      }
    }
    return Object.keys(out).length ? out : undefined;
  }

  private _build(field: IFormField): HTMLElement {
    const key = pathKey(field);
    if (field.kind === 'group') {
      return el(
        'fieldset',
        { className: 'jp-deni-group', attrs: { 'data-path': key } },
        [
          el('legend', { text: field.title, title: field.description }),
          ...(field.children ?? []).map(child => this._build(child))
        ]
      );
    }
    const id = `jp-deni-field-${key.replace(/\./g, '-')}-${SweepForm._uid++}`;
    const error = el('div', {
      className: 'jp-deni-field-error',
      attrs: { 'aria-live': 'polite' }
    });
    let control: HTMLElement;
    let read: () => unknown;
    let write: (value: unknown) => void;
    let override: Control['override'];
    switch (field.kind) {
      case 'select': {
        const select = el(
          'select',
          { className: 'jp-deni-input', attrs: { id, name: key } },
          (field.options ?? []).map(o =>
            el('option', { text: o, attrs: { value: o } })
          )
        );
        read = () => select.value;
        write = v => {
          const s =
            typeof v === 'string'
              ? v
              : typeof (v as { kind?: unknown })?.kind === 'string'
                ? (v as { kind: string }).kind
                : undefined;
          if (s !== undefined && (field.options ?? []).includes(s)) {
            select.value = s;
          }
        };
        select.addEventListener('change', this._onChange);
        control = select;
        break;
      }
      case 'multi': {
        const boxes = (field.options ?? []).map(o => {
          const box = el('input', {
            attrs: { type: 'checkbox', value: o, name: key }
          });
          box.addEventListener('change', this._onChange);
          return {
            o,
            box,
            label: el('label', { className: 'jp-deni-choice' }, [
              box,
              document.createTextNode(o)
            ])
          };
        });
        read = () => {
          const picked = boxes.filter(b => b.box.checked).map(b => b.o);
          return picked.length ? picked : undefined;
        };
        write = v => {
          const wanted = new Set(asStrings(v));
          boxes.forEach(b => (b.box.checked = wanted.has(b.o)));
        };
        control = el(
          'div',
          {
            className: 'jp-deni-choices',
            attrs: { id, role: 'group', 'aria-label': field.title }
          },
          boxes.map(b => b.label)
        );
        break;
      }
      case 'integer':
      case 'number': {
        const input = el('input', {
          className: 'jp-deni-input',
          attrs: {
            id,
            name: key,
            type: 'number',
            step: field.kind === 'integer' ? '1' : 'any'
          }
        });
        if (field.minimum !== undefined) {
          input.min = String(field.minimum);
        }
        if (field.maximum !== undefined) {
          input.max = String(field.maximum);
        }
        read = () =>
          input.value.trim() === '' ? undefined : Number(input.value);
        write = v => {
          input.value = typeof v === 'number' ? String(v) : '';
        };
        input.addEventListener('input', this._onChange);
        control = input;
        break;
      }
      default: {
        const input = el('input', {
          className: 'jp-deni-input',
          attrs: { id, name: key, type: 'text', autocomplete: 'off' }
        });
        if (field.kind === 'list') {
          input.placeholder = 'one id, or several separated by commas';
        }
        if (field.examples) {
          const listId = `${id}-examples`;
          input.setAttribute('list', listId);
          this.node.appendChild(
            el(
              'datalist',
              { attrs: { id: listId } },
              field.examples.map(x => el('option', { attrs: { value: x } }))
            )
          );
        }
        let structured: unknown;
        read = () =>
          structured !== undefined
            ? structured
            : field.kind === 'list'
              ? listValue(input.value)
              : input.value.trim() || undefined;
        write = v => {
          structured = undefined;
          input.value = asStrings(v).join(', ');
        };
        override = (v, text) => {
          structured = v;
          input.value = text;
        };
        input.addEventListener('input', () => {
          structured = undefined;
          this._onChange();
        });
        control = input;
      }
    }
    this._controls.set(key, { field, read, write, error, override });
    if (field.default !== undefined) {
      write(field.default);
    }
    return el(
      'div',
      {
        className: `jp-deni-field jp-deni-field-${field.kind}`,
        attrs: { 'data-path': key }
      },
      [
        el('label', {
          className: 'jp-deni-label',
          text: field.required ? `${field.title} *` : field.title,
          attrs: { for: id }
        }),
        control,
        field.description
          ? el('div', { className: 'jp-deni-help', text: field.description })
          : null,
        error
      ]
    );
  }

  private readonly _controls = new Map<string, Control>();
  private static _uid = 0;
}
