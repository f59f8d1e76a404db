import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileFlow } from './compiler';
import type { Diagnostic } from './diagnostics';

/** A flow fixture: `expect` lists the diagnostics it must produce; empty means it compiles. */
interface Fixture {
  readonly description: string;
  readonly expect: readonly Pick<Diagnostic, 'code' | 'nodeId' | 'edgeId' | 'field'>[];
  readonly graph: unknown;
}

const dir = new URL('../../test/fixtures/flows/', import.meta.url);
const fixtures = readdirSync(dir)
  .filter((name) => name.endsWith('.json'))
  .sort()
  .map((name) => ({ name, ...(JSON.parse(readFileSync(new URL(name, dir), 'utf8')) as Fixture) }));

/** The identifying part of a diagnostic, in a stable order, for exact comparison. */
const identify = (d: Pick<Diagnostic, 'code' | 'nodeId' | 'edgeId' | 'field'>) =>
  JSON.stringify([d.code, d.nodeId ?? null, d.edgeId ?? null, d.field ?? null]);

describe('flow fixtures', () => {
  it('has valid and rejected fixtures', () => {
    expect(fixtures.filter((f) => f.expect.length === 0).length).toBeGreaterThanOrEqual(2);
    expect(fixtures.filter((f) => f.expect.length > 0).length).toBeGreaterThanOrEqual(20);
  });

  for (const fixture of fixtures.filter((f) => f.expect.length === 0)) {
    it(`${fixture.description} (${fixture.name})`, () => {
      const result = compileFlow(fixture.graph);
      expect(result.diagnostics).toEqual([]);
      expect(result.ok && result.plan).toBeTruthy();
    });
  }

  for (const fixture of fixtures.filter((f) => f.expect.length > 0)) {
    it(`${fixture.description} (${fixture.name})`, () => {
      const result = compileFlow(fixture.graph);
      expect(result.ok).toBe(false);
      expect('plan' in result).toBe(false);
      // Exactly the expected problems: nothing missed, and no follow-on noise.
      expect(result.diagnostics.map(identify).sort()).toEqual(fixture.expect.map(identify).sort());
      for (const diagnostic of result.diagnostics) expect(diagnostic.message.length).toBeGreaterThan(10);
    });
  }
});
