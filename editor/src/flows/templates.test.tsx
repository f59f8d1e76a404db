import { describe, expect, it } from 'vitest';
import { compileFlow } from '../../../engine/compiler';
import { BLANK_GRAPH, TEMPLATES } from './templates';

describe('flow templates', () => {
  it.each(TEMPLATES.map((t) => [t.name, t] as const))('%s compiles with no diagnostics', (_, template) => {
    const result = compileFlow(template.graph);
    expect(result.diagnostics).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it('lays every template out left to right: each connection goes to a column further right', () => {
    for (const template of TEMPLATES) {
      const x = new Map(template.graph.nodes.map((n) => [n.id, n.position.x]));
      for (const edge of template.graph.edges) expect(x.get(edge.target)!).toBeGreaterThan(x.get(edge.source)!);
    }
  });

  it('starts the blank canvas with a trigger only, which asks for a first step', () => {
    expect(compileFlow(BLANK_GRAPH).diagnostics.map((d) => d.code)).toEqual(['empty_flow']);
  });
});
