/**
 * Checks one unpacked tarball against the rules of a published LimitedCart package (issue 16): what npm users
 * receive must resolve on its own, without the workspace behind it.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';

export interface Manifest {
  readonly name: string;
  readonly version: string;
  readonly license?: string;
  readonly repository?: { readonly directory?: string };
  readonly sideEffects?: boolean | readonly string[];
  readonly exports?: Record<string, unknown>;
  readonly dependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly peerDependenciesMeta?: Record<string, { readonly optional?: boolean }>;
  readonly devDependencies?: Record<string, string>;
}

export interface PackedPackage {
  readonly manifest: Manifest;
  readonly tarball: string;
  readonly bytes: number;
  /** Where the tarball was unpacked: its `package/` folder. */
  readonly root: string;
  /** Paths relative to `root`. */
  readonly files: readonly string[];
}

/** Published packages that do not run on an engine. */
const NO_CORE = new Set(['@limitedcart/client']);
const CORE = '@limitedcart/core';
const DEV_CONDITION = '@limitedcart/source';
const BUILTINS = new Set(builtinModules);

const walk = (dir: string): string[] =>
  readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });

export function readPacked(tarball: string, root: string): PackedPackage {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Manifest;
  const files = walk(root).map((path) => relative(root, path));
  return { manifest, tarball, bytes: statSync(tarball).size, root, files };
}

/** The package a bare specifier names: `pg`, `@temporalio/worker`, `hono` from `hono/streaming`. */
const packageOf = (specifier: string): string => {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
};

const bareImports = (source: string): string[] => {
  const found = new Set<string>();
  const patterns = [/\bfrom\s*['"]([^'"]+)['"]/g, /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g, /\bimport\s*['"]([^'"]+)['"]/g];
  for (const pattern of patterns) {
    for (const match of source.matchAll(pattern)) {
      const specifier = match[1] ?? '';
      if (!specifier.startsWith('.') && !specifier.startsWith('node:') && !BUILTINS.has(packageOf(specifier))) {
        found.add(specifier);
      }
    }
  }
  return [...found];
};

const exportTargets = (value: unknown, path: string[] = []): { readonly keys: string[]; readonly target: string }[] => {
  if (typeof value === 'string') return [{ keys: path, target: value }];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) => exportTargets(inner, [...path, key]));
};

/** Every rule this tarball breaks, as one sentence each; empty when it is publishable. */
export function problemsOf(pkg: PackedPackage): string[] {
  const { manifest, files, root } = pkg;
  const problems: string[] = [];
  const has = (file: string) => files.includes(file);
  const declared = new Set([
    manifest.name,
    ...Object.keys(manifest.dependencies ?? {}),
    ...Object.keys(manifest.peerDependencies ?? {}),
  ]);

  for (const file of ['LICENSE', 'README.md', 'package.json']) if (!has(file)) problems.push(`ships no ${file}`);
  if (manifest.license !== 'MIT') problems.push(`license is ${manifest.license}, not MIT`);
  if (manifest.repository?.directory === undefined) problems.push('repository.directory is missing');

  // Published exports: no development condition, the manifest itself exported, every target shipped.
  if (manifest.exports === undefined) problems.push('has no exports map');
  if (manifest.exports?.['./package.json'] === undefined) problems.push('does not export ./package.json');
  for (const { keys, target } of exportTargets(manifest.exports ?? {})) {
    if (keys.includes(DEV_CONDITION)) problems.push(`exports ${keys.join(' → ')} keeps the ${DEV_CONDITION} condition`);
    if (!has(target.replace(/^\.\//, ''))) problems.push(`exports ${keys.join(' → ')} points at ${target}, not in the tarball`);
  }

  // Ranges npm can install: pnpm rewrites workspace: specs when it packs, so one left here means it did not.
  for (const field of ['dependencies', 'peerDependencies'] as const) {
    for (const [name, range] of Object.entries(manifest[field] ?? {})) {
      if (range.startsWith('workspace:')) problems.push(`${field}.${name} is still ${range}`);
    }
  }
  if (manifest.name !== CORE) {
    if (manifest.dependencies?.[CORE] !== undefined) problems.push(`${CORE} is a dependency (a second core could nest)`);
    // The HTTP client talks to a server, not to an engine: it is the one package with no core at all.
    const needsCore = !NO_CORE.has(manifest.name);
    if (needsCore && !manifest.peerDependencies?.[CORE]?.startsWith('^')) problems.push(`${CORE} is not a ^ peer dependency`);
    if (!needsCore && manifest.peerDependencies?.[CORE] !== undefined) problems.push(`${CORE} is a peer of a package that never loads it`);
  }

  if (manifest.sideEffects === undefined) problems.push('does not declare sideEffects');
  if (Array.isArray(manifest.sideEffects)) {
    for (const file of manifest.sideEffects) if (!has(file.replace(/^\.\//, ''))) problems.push(`sideEffects lists ${file}, not in the tarball`);
  }

  for (const file of files) {
    if (/\.test\.[cm]?[jt]s$/.test(file)) problems.push(`ships the test file ${file}`);
    if (file.endsWith('.map')) {
      const map = JSON.parse(readFileSync(join(root, file), 'utf8')) as { sources?: string[]; sourceRoot?: string; sourcesContent?: unknown[] };
      for (const [index, source] of (map.sources ?? []).entries()) {
        const target = resolve(root, dirname(file), map.sourceRoot ?? '', source);
        if (!existsSync(target) && map.sourcesContent?.[index] == null) problems.push(`${file} maps to ${source}, not in the tarball`);
      }
    }
    // What a consumer's compiler or runtime will look up must be declared, or it resolves only by luck (hoisting).
    if (/\.(d\.ts|js)$/.test(file) && file.startsWith('dist/')) {
      for (const specifier of bareImports(readFileSync(join(root, file), 'utf8'))) {
        const name = packageOf(specifier);
        if (!declared.has(name)) problems.push(`${file} imports ${specifier}, but ${name} is neither a dependency nor a peer`);
      }
    }
  }
  return [...new Set(problems)];
}

/** `pg`, `@types/pg?` (optional), core first. */
export const peersOf = (manifest: Manifest): string[] =>
  Object.keys(manifest.peerDependencies ?? {})
    .sort((a, b) => (a === CORE ? -1 : b === CORE ? 1 : a.localeCompare(b)))
    .map((name) => (manifest.peerDependenciesMeta?.[name]?.optional ? `${name}?` : name));

export function tarballTable(packages: readonly PackedPackage[]): string {
  const rows = packages.map(
    (pkg) =>
      `| ${pkg.manifest.name} | ${(pkg.bytes / 1024).toFixed(1)} kB | ${pkg.files.length} | ${peersOf(pkg.manifest).join(', ') || '—'} |`,
  );
  return ['| package | tarball | files | peers (? = optional) |', '|---|---:|---:|---|', ...rows].join('\n');
}
