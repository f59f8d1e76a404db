/**
 * What the folder layout promises and lint cannot see: the delivery ledger
 * (`engine/deliveries/ledger.ts`) is the only module that writes `deliveries`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
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
