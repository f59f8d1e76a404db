/**
 * The size budget of a flow. A published plan is the input of every run's workflow (and of
 * each continue-as-new), and its steps ride in activity inputs: Temporal refuses a payload
 * over 2 MB and one run of a huge plan fills its history fast. The budget keeps a graph and
 * its plan far below that, while the largest flow a café draws (and the 2,000-node sample
 * the benchmarks compile) fits with room to spare. Pure: the editor checks it too.
 */
import type { Diagnostic } from './diagnostics';

/** At most this many bytes of JSON in a saved graph (layout included). */
export const GRAPH_MAX_BYTES = 768 * 1024;
/** At most this many bytes of JSON in a compiled plan. */
export const PLAN_MAX_BYTES = 384 * 1024;

/** The UTF-8 length of `text`, counted without allocating (no TextEncoder in every sandbox). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      bytes += 4; // a surrogate pair is one 4-byte character
      i++;
    } else bytes += 3;
  }
  return bytes;
}

function sizeOf(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}

/** A `too_large` diagnostic when `value` (a graph or a plan) is over its budget. */
export function sizeDiagnostic(what: 'graph' | 'plan', value: unknown): Diagnostic | undefined {
  const limit = what === 'graph' ? GRAPH_MAX_BYTES : PLAN_MAX_BYTES;
  const bytes = utf8Length(JSON.stringify(value) ?? '');
  if (bytes <= limit) return undefined;
  return {
    code: 'too_large',
    message: `This flow is ${sizeOf(bytes)}; a flow can be at most ${sizeOf(limit)}. Shorten its emails or split it into several flows.`,
  };
}
