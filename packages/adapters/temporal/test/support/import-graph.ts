import { readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import ts from 'typescript';

export interface ImportGraph {
  /** Source files reached (absolute paths), outside node_modules. */
  readonly files: readonly string[];
  /** Bare specifiers imported at runtime (type-only imports are erased and not counted), with their importer. */
  readonly packages: readonly { readonly specifier: string; readonly from: string }[];
}

const compilerOptions: ts.CompilerOptions = {
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  customConditions: ['@limitedcart/source'],
};

/** Module specifiers a file imports or re-exports at runtime; `import type` / `export type` are skipped. */
const runtimeSpecifiers = (file: string): string[] => {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, false);
  const specifiers: string[] = [];
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
      const clause = statement.importClause;
      const typeOnly =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (clause.name === undefined &&
            clause.namedBindings !== undefined &&
            ts.isNamedImports(clause.namedBindings) &&
            clause.namedBindings.elements.length > 0 &&
            clause.namedBindings.elements.every((element) => element.isTypeOnly)));
      if (!typeOnly) specifiers.push(statement.moduleSpecifier.text);
    } else if (
      ts.isExportDeclaration(statement) &&
      !statement.isTypeOnly &&
      statement.moduleSpecifier !== undefined &&
      ts.isStringLiteral(statement.moduleSpecifier)
    ) {
      specifiers.push(statement.moduleSpecifier.text);
    }
  }
  return specifiers;
};

/**
 * Walks the runtime import graph of `entry` through the workspace's TypeScript sources (resolving workspace
 * packages through the `@limitedcart/source` condition) and stops at third-party packages, which it lists.
 */
export const importGraph = (entry: string): ImportGraph => {
  const seen = new Set<string>();
  const packages: { specifier: string; from: string }[] = [];
  const pending = [entry];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    for (const specifier of runtimeSpecifiers(file)) {
      const resolved = ts.resolveModuleName(specifier, file, compilerOptions, ts.sys).resolvedModule;
      // Workspace packages are symlinked into node_modules: their real path tells them from third-party code.
      const target = resolved === undefined ? undefined : (ts.sys.realpath?.(resolved.resolvedFileName) ?? resolved.resolvedFileName);
      if (!specifier.startsWith('.')) packages.push({ specifier, from: file });
      if (target !== undefined && !target.includes('/node_modules/') && !target.endsWith('.d.ts')) pending.push(target);
    }
  }
  return { files: [...seen], packages };
};

/** Node built-ins in any spelling (`fs`, `node:fs`, `fs/promises`). */
export const isNodeBuiltin = (specifier: string): boolean => specifier.startsWith('node:') || isBuiltin(specifier);
