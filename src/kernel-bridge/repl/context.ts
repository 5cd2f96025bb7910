/**
 * The persistent `node:vm` context in which cells without a magic run. Cells share globals
 * (see transform.ts); console output and `display()` go to the host (iopub stream / display
 * messages of the cell that is running).
 */
import { Console } from 'node:console';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import vm from 'node:vm';
import { MimeBundle } from '../protocol/messages';
import { checkBundle, escapeHtml, formatValue } from './format';
import { IMPORT_HELPER, transformCell } from './transform';

/** What the context needs from the kernel: where output goes. */
export interface IReplHost {
  stdout(text: string): void;
  stderr(text: string): void;
  display(
    bundle: MimeBundle,
    options: { displayId?: string; update?: boolean }
  ): void;
  clearOutput(wait: boolean): void;
}

/** Raised when a running cell is interrupted. */
export class InterruptedError extends Error {
  constructor(message = 'execution interrupted') {
    super(message);
    this.name = 'KeyboardInterrupt';
  }
}

/** Raised by `process.exit()` and friends in a cell: they would end the kernel, not the cell. */
export class ProcessExitError extends Error {
  constructor(call: string) {
    super(
      `${call} is not available in a notebook cell: it would stop the kernel and lose every variable. ` +
        'To end a cell early, throw an error or return from a function; to stop the kernel, use Kernel > Shut Down or Restart.'
    );
    this.name = 'ProcessExitError';
  }
}

/** Members of `process` that would end or abort the kernel process. */
const ENDS_PROCESS = new Set(['exit', 'abort', 'reallyExit']);

/**
 * The `process` cells see: the kernel's own, except that calls which would end the kernel throw
 * {@link ProcessExitError} instead (methods are bound to the real process, so they still work).
 */
export function cellProcess(): NodeJS.Process {
  return new Proxy(process, {
    get(target, key) {
      if (typeof key === 'string' && ENDS_PROCESS.has(key)) {
        return () => {
          throw new ProcessExitError(`process.${key}()`);
        };
      }
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function'
        ? (value as (...a: unknown[]) => unknown).bind(target)
        : value;
    }
  });
}

/** The `display` global of the context. */
export type DisplayFunction = ((
  value: unknown,
  options?: { id?: string }
) => void) & {
  mime(bundle: Record<string, unknown>, options?: { id?: string }): void;
  html(html: string, options?: { id?: string }): void;
  markdown(markdown: string, options?: { id?: string }): void;
  update(id: string, value: unknown): void;
  clear(wait?: boolean): void;
};

function streamTo(write: (text: string) => void): Writable {
  return new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      write(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
      callback();
    }
  });
}

/** One persistent context. */
export class ReplContext {
  /** The context's global object (tests and completion read its keys). */
  readonly sandbox: vm.Context;
  private readonly builtinNames: Set<string>;

  constructor(
    private readonly host: IReplHost,
    engine: object,
    cwd: string = process.cwd()
  ) {
    const nodeRequire = createRequire(join(cwd, '__deni_notebook__.js'));
    const sandboxProcess = cellProcess();
    // `require('process')` must not hand out the real exit either.
    const localRequire = Object.assign(
      (spec: string): unknown =>
        spec === 'process' || spec === 'node:process'
          ? sandboxProcess
          : nodeRequire(spec),
      {
        resolve: nodeRequire.resolve,
        cache: nodeRequire.cache,
        main: nodeRequire.main,
        extensions: nodeRequire.extensions
      }
    );
    const display = this.makeDisplay();
    const importHelper = (spec: string, wantDefault = false): unknown => {
      if (spec === 'deni' || spec === 'jupyterlab-deni/deni') {
        return engine;
      }
      const mod = localRequire(spec) as Record<string | symbol, unknown> | null;
      if (!wantDefault) {
        return mod;
      }
      const isNamespace =
        mod !== null &&
        typeof mod === 'object' &&
        (mod[Symbol.toStringTag] === 'Module' || mod.__esModule === true);
      return isNamespace ? mod.default : mod;
    };
    const globals: Record<string, unknown> = {
      console: new Console({
        stdout: streamTo(text => this.host.stdout(text)),
        stderr: streamTo(text => this.host.stderr(text))
      }),
      display,
      deni: engine,
      require: localRequire,
      process: sandboxProcess,
      Buffer,
      URL,
      URLSearchParams,
      TextEncoder,
      TextDecoder,
      AbortController,
      AbortSignal,
      structuredClone,
      performance,
      fetch,
      setTimeout,
      clearTimeout,
      setInterval,
      clearInterval,
      setImmediate,
      clearImmediate,
      queueMicrotask,
      [IMPORT_HELPER]: importHelper
    };
    this.sandbox = vm.createContext(globals, { name: 'deni' });
    this.builtinNames = new Set(Object.getOwnPropertyNames(this.sandbox));
  }

  private makeDisplay(): DisplayFunction {
    const show = (bundle: MimeBundle, options?: { id?: string }): void => {
      this.host.display(bundle, { displayId: options?.id });
    };
    const display = ((value: unknown, options?: { id?: string }) =>
      show(formatValue(value), options)) as DisplayFunction;
    display.mime = (bundle, options) => show(checkBundle(bundle), options);
    display.html = (html, options) =>
      show({ 'text/html': String(html), 'text/plain': String(html) }, options);
    display.markdown = (markdown, options) =>
      show(
        {
          'text/markdown': String(markdown),
          'text/plain': String(markdown),
          'text/html': `<pre>${escapeHtml(String(markdown))}</pre>`
        },
        options
      );
    display.update = (id, value) =>
      this.host.display(formatValue(value), { displayId: id, update: true });
    display.clear = (wait = false) => this.host.clearOutput(wait);
    return display;
  }

  /** Names the user defined (globals beyond the built-in ones), for completion. */
  userNames(): string[] {
    return Object.getOwnPropertyNames(this.sandbox).filter(
      name => !this.builtinNames.has(name) && !name.startsWith('__deni')
    );
  }

  /** Every global name visible to cells (built-ins of the realm included). */
  globalNames(): string[] {
    const realm = vm.runInContext(
      'Object.getOwnPropertyNames(globalThis)',
      this.sandbox
    ) as string[] | undefined;
    return [
      ...new Set([
        ...(realm ?? []),
        ...Object.getOwnPropertyNames(this.sandbox)
      ])
    ].filter(name => !name.startsWith('__deni'));
  }

  /** Evaluates a plain expression in the context (completion of `obj.` prefixes). */
  peek(expression: string): unknown {
    return vm.runInContext(expression, this.sandbox, { timeout: 200 });
  }

  /**
   * Evaluates an expression of a `${...}` in a magic cell (magics/interpolate.ts). Unlike
   * {@link peek} it has no time limit (the user asked for it), but it must be synchronous.
   */
  evaluate(expression: string): unknown {
    const value: unknown = vm.runInContext(`(${expression}\n)`, this.sandbox, {
      filename: 'interpolation'
    });
    if (
      value !== null &&
      typeof value === 'object' &&
      typeof (value as { then?: unknown }).then === 'function'
    ) {
      throw new Error(
        'it is a Promise; await it in a code cell and interpolate the stored result'
      );
    }
    return value;
  }

  /**
   * Runs one cell and resolves to its value (undefined when it ends in a statement). Throws the
   * cell's own error, a SyntaxError with the cell's line, or {@link InterruptedError}.
   */
  async run(
    source: string,
    filename: string,
    signal?: AbortSignal
  ): Promise<unknown> {
    const { script } = transformCell(source);
    const compiled = new vm.Script(script, { filename });
    if (signal?.aborted) {
      throw new InterruptedError();
    }
    return await new Promise<unknown>((resolve, reject) => {
      const onAbort = (): void => reject(new InterruptedError());
      signal?.addEventListener('abort', onAbort, { once: true });
      const settle = (fn: () => void): void => {
        signal?.removeEventListener('abort', onAbort);
        fn();
      };
      // The cell starts in a microtask of its own, with the abort listener already in place:
      // when the sidecar must terminate a spinning cell (sidecar.ts), V8 unwinds only the
      // cell's frames (and drops the microtasks queued behind it), and the interrupt still
      // settles this promise. (A setImmediate callback must not be terminated: Node's async
      // hooks stack is then corrupted and the process aborts.)
      queueMicrotask(() => {
        let result: Promise<unknown>;
        try {
          // breakOnSigint lets a SIGINT stop a synchronous endless loop in the cell.
          result = compiled.runInContext(this.sandbox, {
            breakOnSigint: true
          }) as Promise<unknown>;
        } catch (err) {
          const interrupted =
            (err as { code?: unknown } | null)?.code ===
            'ERR_SCRIPT_EXECUTION_INTERRUPTED';
          settle(() => reject(interrupted ? new InterruptedError() : err));
          return;
        }
        Promise.resolve(result).then(
          value => settle(() => resolve(value)),
          (err: unknown) => settle(() => reject(err))
        );
      });
    });
  }
}
