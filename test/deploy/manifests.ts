/**
 * Test helper: the deployment files under deploy/ as data: every YAML document, each Kustomize
 * overlay built by `kubectl kustomize`, and lookups the validation and consistency tests share.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const deployDir = join(repoRoot, 'deploy');
export const kustomizeDir = join(deployDir, 'kustomize');

/** A Kubernetes object, loosely typed: the tests read it by path. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [key: string]: unknown;
}

export function yamlFiles(dir = deployDir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(entry.name) ? [path] : [];
  });
}

export function rel(path: string): string {
  return relative(repoRoot, path).split('\\').join('/');
}

/** Every document of a YAML file; throws with the file name and the parser's errors. */
export function parseYamlFile(path: string): unknown[] {
  const documents = parseAllDocuments(readFileSync(path, 'utf8'));
  const list = Array.isArray(documents) ? documents : [documents];
  const errors = list.flatMap((doc) => doc.errors.map((error) => error.message));
  if (errors.length > 0) throw new Error(`${rel(path)}: ${errors.join('; ')}`);
  return list.map((doc) => doc.toJS() as unknown).filter((value) => value !== null);
}

/** The Kustomize components (`kind: Component`), each rendered through its overlay of the same name. */
export function components(): string[] {
  return readdirSync(join(kustomizeDir, 'components')).map((name) => join(kustomizeDir, 'components', name));
}

/** The Kustomize directories that render on their own: the base and every overlay. */
export function kustomizations(): string[] {
  const overlays = readdirSync(join(kustomizeDir, 'overlays')).map((name) =>
    join(kustomizeDir, 'overlays', name),
  );
  return [join(kustomizeDir, 'base'), ...overlays];
}

/** `kubectl`, when it is on the PATH and has the `kustomize` subcommand. */
export function findKubectl(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const candidate = join(dir, 'kubectl');
    if (dir !== '' && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** The objects `kubectl kustomize DIR` renders. */
export function buildKustomization(kubectl: string, dir: string): K8sObject[] {
  const output = execFileSync(kubectl, ['kustomize', dir], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const documents = parseAllDocuments(output);
  const list = Array.isArray(documents) ? documents : [documents];
  return list.map((doc) => doc.toJS() as K8sObject | null).filter((value) => value !== null);
}

/** Reads `path` (dot-separated; numbers index arrays) from a value, or undefined. */
export function at(value: unknown, path: string): unknown {
  let current = value;
  for (const segment of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

export function ofKind(objects: readonly K8sObject[], kind: string): K8sObject[] {
  return objects.filter((object) => object.kind === kind);
}

export function named(objects: readonly K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  if (found === undefined) throw new Error(`no ${kind} named ${name}`);
  return found;
}

/** True when every key/value of `selector` is among `labels`. */
export function selects(
  selector: Record<string, string> | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  if (selector === undefined || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([key, value]) => labels?.[key] === value);
}
