/** In-memory execution history for `history_request` (tail, range and search). */
import { IHistoryRequest, JsonValue } from './protocol/messages';

/** One executed cell. */
export interface IHistoryEntry {
  line: number;
  input: string;
  output: string | null;
}

/** The session number this kernel reports (one kernel process = one session). */
export const HISTORY_SESSION = 1;

function globToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  return new RegExp(
    `^${escaped.replace(/\*/g, '[\\s\\S]*').replace(/\?/g, '[\\s\\S]')}$`
  );
}

/** The history of this kernel process. */
export class History {
  private readonly entries: IHistoryEntry[] = [];

  /** Records an executed cell. */
  add(line: number, input: string): IHistoryEntry {
    const entry = { line, input, output: null };
    this.entries.push(entry);
    return entry;
  }

  /** Answers a history request with `[session, line, input]` (or `[.., [input, output]]`). */
  query(request: Partial<IHistoryRequest>): JsonValue[] {
    let found: IHistoryEntry[];
    const n =
      typeof request.n === 'number' && request.n > 0 ? request.n : undefined;
    switch (request.hist_access_type) {
      case 'range': {
        const session = request.session ?? HISTORY_SESSION;
        const isCurrent = session === HISTORY_SESSION || session === 0;
        const start = request.start ?? 0;
        const stop = request.stop ?? Number.MAX_SAFE_INTEGER;
        found = isCurrent
          ? this.entries.filter(e => e.line >= start && e.line < stop)
          : [];
        break;
      }
      case 'search': {
        const regex = globToRegExp(request.pattern ?? '*');
        found = this.entries.filter(e => regex.test(e.input));
        if (request.unique) {
          const seen = new Set<string>();
          found = found
            .reverse()
            .filter(e => !seen.has(e.input) && seen.add(e.input) !== undefined)
            .reverse();
        }
        found = n ? found.slice(-n) : found;
        break;
      }
      default:
        found = n ? this.entries.slice(-n) : [...this.entries];
    }
    return found.map(e =>
      request.output
        ? [HISTORY_SESSION, e.line, [e.input, e.output]]
        : [HISTORY_SESSION, e.line, e.input]
    );
  }
}
