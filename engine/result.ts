/**
 * The one shape of a result that can fail for a reason the caller should hear about (a user's
 * mistake, a missing row, a provider's refusal): `{ok: true, …}` or `{ok: false, code, message}`,
 * with optional `details` (the compiler's diagnostics, a retry delay). Use-cases return these
 * and throw only for what is broken (a lost database connection). The API maps `code` to its
 * closed set of error codes and answers `{error: {code, message, details}}`.
 *
 * The compiler's `CompileResult` is a report, not a failure: both branches carry the list of
 * diagnostics, each tied to a node, and `plan` exists exactly when `ok`.
 */

/** A failure with a code from a closed set, a sentence for a person, and optional details. */
export type Failure<Code extends string, Details = never> = [Details] extends [never]
  ? { readonly ok: false; readonly code: Code; readonly message: string }
  : { readonly ok: false; readonly code: Code; readonly message: string; readonly details: Details };

/** Success with its fields, or a {@link Failure}. */
export type Result<T extends object, Code extends string, Details = never> =
  | ({ readonly ok: true } & T)
  | Failure<Code, Details>;

/**
 * Builds a failure.
 *
 * @example
 * if (!flow) return fail('not_found', 'Flow not found');
 */
export function fail<Code extends string>(code: Code, message: string): Failure<Code>;
export function fail<Code extends string, Details>(code: Code, message: string, details: Details): Failure<Code, Details>;
export function fail<Code extends string, Details>(code: Code, message: string, details?: Details) {
  return details === undefined ? { ok: false as const, code, message } : { ok: false as const, code, message, details };
}
