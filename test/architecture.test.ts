/**
 * What the folder layout promises and lint cannot see: the delivery ledger
 * (`engine/deliveries/ledger.ts`) is the only module that writes `deliveries`, and no two
 * folders import each other's code (directly or round a loop). Lint fences the layers;
 * this also covers the folders inside one layer (`engine/customers` ↔ `engine/channels`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const LEDGER = 'engine/deliveries/ledger.ts';
const WRITES_DELIVERIES = /\b(insert\s+into|update|delete\s+from)\s+deliveries\b|(insertInto|updateTable|deleteFrom)\(\s*'deliveries'/i;

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'migrations' ? [] : sources(path);
    return /\.tsx?$/.test(entry.name) && !entry.name.includes('.test.') ? [path] : [];
  });
}

describe('the delivery ledger', () => {
  it('is the only module that writes deliveries', () => {
    const writers = ['engine', 'activities', 'workflows', 'server']
      .flatMap(sources)
      .filter((path) => WRITES_DELIVERIES.test(readFileSync(join(ROOT, path), 'utf8')))
      .map((path) => relative(ROOT, join(ROOT, path)));
    expect(writers).toEqual([LEDGER]);
  });
});

/** `engine/customers/events.ts` → `engine/customers`; a file at a layer's top → the layer. */
function folderOf(path: string): string {
  const parts = path.split('/');
  return parts.length > 2 ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** Folder → folders whose code it imports (type-only imports left out: they vanish at build). */
function folderImports(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  const VALUE_IMPORT = /^(?:import|export)(?! type)[^;]*?from '(\.[^']+)'/gms;
  for (const path of ['engine', 'activities', 'workflows', 'server'].flatMap(sources)) {
    for (const [, target] of readFileSync(join(ROOT, path), 'utf8').matchAll(VALUE_IMPORT)) {
      const [from, to] = [folderOf(path), folderOf(normalize(join(dirname(path), target!)))];
      if (from === to) continue;
      if (!graph.has(from)) graph.set(from, new Set());
      graph.get(from)!.add(to);
    }
  }
  return graph;
}

/** One loop of folders, e.g. `['engine/a', 'engine/b', 'engine/a']`, or undefined. */
function findLoop(graph: Map<string, Set<string>>): string[] | undefined {
  const done = new Set<string>();
  const visit = (folder: string, path: string[]): string[] | undefined => {
    if (path.includes(folder)) return [...path.slice(path.indexOf(folder)), folder];
    if (done.has(folder)) return undefined;
    for (const next of graph.get(folder) ?? []) {
      const loop = visit(next, [...path, folder]);
      if (loop) return loop;
    }
    done.add(folder);
    return undefined;
  };
  for (const folder of graph.keys()) {
    const loop = visit(folder, []);
    if (loop) return loop;
  }
  return undefined;
}

describe('the import graph', () => {
  it('has no loop between folders', () => {
    const graph = folderImports();
    expect(graph.get('engine/customers')?.has('engine/channels')).toBe(true); // the scan sees imports
    expect(findLoop(graph)).toBeUndefined();
  });
});
