/**
 * Turns one notebook cell of TypeScript/JavaScript into a script for the persistent context:
 * types are stripped (typescript's transpileModule), top-level declarations become assignments
 * to context globals (so re-running a cell that declares `const x` works, and later cells see
 * `x`), imports become `require` calls, and the body runs in an async wrapper (top-level await)
 * that returns the value of the last expression statement.
 */
import ts from 'typescript';

/** A syntax error of a cell, with its 1-based position in the cell's source. */
export class CellSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number
  ) {
    super(`${message} (line ${line}, column ${column})`);
    this.name = 'SyntaxError';
  }
}

/** The script to run and the names it declares. */
export interface ITransformedCell {
  /** Script text; evaluates to a Promise of the cell's value. */
  script: string;
  /** Top-level names the cell declares (become context globals). */
  declared: string[];
}

interface IEdit {
  start: number;
  end: number;
  text: string;
}

/** Name of the helper the script calls for `import` (installed by the REPL context). */
export const IMPORT_HELPER = '__deniImport';

function bindingNames(name: ts.BindingName, out: string[]): void {
  if (ts.isIdentifier(name)) {
    out.push(name.text);
    return;
  }
  for (const element of name.elements) {
    if (ts.isBindingElement(element)) {
      bindingNames(element.name, out);
    }
  }
}

function stripTypes(source: string): string {
  const output = ts.transpileModule(source, {
    fileName: 'cell.ts',
    reportDiagnostics: true,
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleDetection: ts.ModuleDetectionKind.Force,
      verbatimModuleSyntax: true,
      sourceMap: false,
      removeComments: false,
      alwaysStrict: false
    }
  });
  const diagnostic = (output.diagnostics ?? []).find(
    d => d.category === ts.DiagnosticCategory.Error
  );
  if (diagnostic) {
    const message = ts.flattenDiagnosticMessageText(
      diagnostic.messageText,
      '\n'
    );
    const pos = diagnostic.file?.getLineAndCharacterOfPosition(
      diagnostic.start ?? 0
    ) ?? {
      line: 0,
      character: 0
    };
    throw new CellSyntaxError(message, pos.line + 1, pos.character + 1);
  }
  return output.outputText;
}

function textAfterModifiers(
  node: ts.Node,
  js: string,
  sf: ts.SourceFile
): string {
  const modifiers = ts.canHaveModifiers(node)
    ? ts.getModifiers(node)
    : undefined;
  const exported = (modifiers ?? []).filter(
    m =>
      m.kind === ts.SyntaxKind.ExportKeyword ||
      m.kind === ts.SyntaxKind.DefaultKeyword
  );
  const start =
    exported.length > 0 ? exported[exported.length - 1].end : node.getStart(sf);
  return js.slice(start, node.end).trim();
}

function importEdit(
  node: ts.ImportDeclaration,
  sf: ts.SourceFile,
  declared: string[]
): string {
  const spec = node.moduleSpecifier.getText(sf);
  const clause = node.importClause;
  if (!clause) {
    return `${IMPORT_HELPER}(${spec});`;
  }
  const parts: string[] = [];
  if (clause.name) {
    declared.push(clause.name.text);
    parts.push(`${clause.name.text} = ${IMPORT_HELPER}(${spec}, true);`);
  }
  const bindings = clause.namedBindings;
  if (bindings && ts.isNamespaceImport(bindings)) {
    declared.push(bindings.name.text);
    parts.push(`${bindings.name.text} = ${IMPORT_HELPER}(${spec});`);
  } else if (bindings) {
    const props = bindings.elements.map(el => {
      declared.push(el.name.text);
      return el.propertyName
        ? `${el.propertyName.getText(sf)}: ${el.name.text}`
        : el.name.text;
    });
    if (props.length > 0) {
      parts.push(`({ ${props.join(', ')} } = ${IMPORT_HELPER}(${spec}));`);
    }
  }
  return parts.join(' ');
}

/** Transforms one cell (TypeScript or JavaScript); throws {@link CellSyntaxError}. */
export function transformCell(source: string): ITransformedCell {
  const js = stripTypes(source);
  const sf = ts.createSourceFile(
    'cell.js',
    js,
    ts.ScriptTarget.ES2022,
    true,
    ts.ScriptKind.JS
  );
  const declared: string[] = [];
  const prologue: string[] = [];
  const edits: IEdit[] = [];
  const statements = sf.statements;
  // transpileModule appends `export {};` (the cell is compiled as a module); it is not the last
  // statement the user wrote.
  let lastIndex = statements.length - 1;
  while (
    lastIndex >= 0 &&
    (ts.isExportDeclaration(statements[lastIndex]) ||
      ts.isEmptyStatement(statements[lastIndex]))
  ) {
    lastIndex -= 1;
  }
  statements.forEach((stmt, index) => {
    const start = stmt.getStart(sf);
    const replace = (text: string): void => {
      edits.push({ start, end: stmt.end, text });
    };
    if (ts.isImportDeclaration(stmt)) {
      replace(importEdit(stmt, sf, declared));
    } else if (ts.isExportDeclaration(stmt) || ts.isExportAssignment(stmt)) {
      replace('');
    } else if (ts.isVariableStatement(stmt)) {
      const assignments = stmt.declarationList.declarations.map(decl => {
        bindingNames(decl.name, declared);
        const target = decl.name.getText(sf);
        const value = decl.initializer
          ? decl.initializer.getText(sf)
          : 'undefined';
        return ts.isIdentifier(decl.name)
          ? `${target} = ${value};`
          : `(${target} = ${value});`;
      });
      replace(assignments.join(' '));
    } else if (ts.isFunctionDeclaration(stmt) && stmt.name) {
      declared.push(stmt.name.text);
      // Function declarations are hoisted: define them before the rest of the cell runs.
      prologue.push(`${stmt.name.text} = ${textAfterModifiers(stmt, js, sf)};`);
      replace('');
    } else if (ts.isClassDeclaration(stmt) && stmt.name) {
      declared.push(stmt.name.text);
      replace(`${stmt.name.text} = ${textAfterModifiers(stmt, js, sf)};`);
    } else if (ts.isExpressionStatement(stmt) && index === lastIndex) {
      replace(`return (${stmt.expression.getText(sf)});`);
    }
  });
  let body = js;
  for (const edit of [...edits].sort((a, b) => b.start - a.start)) {
    body = body.slice(0, edit.start) + edit.text + body.slice(edit.end);
  }
  const unique = [...new Set(declared)];
  const hoisted = unique.length > 0 ? `var ${unique.join(', ')};` : '';
  // Without hoisted functions the body starts on line 1, so stack frames give the cell's lines.
  const head = prologue.length > 0 ? `${prologue.join('\n')}\n` : '';
  const script = `${hoisted}(async () => {${head}${body}\n})()`;
  return { script, declared: unique };
}
