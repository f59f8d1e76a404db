/**
 * Building blocks of the node forms: a labelled field that shows the compiler's messages
 * for its setting, a number input that lets a half-typed number be, and data patching.
 */
import { useEffect, useId, useState, type InputHTMLAttributes, type ReactNode } from 'react';
import type { Diagnostic } from '../../../../engine/compiler';

export type Data = Record<string, unknown>;

/** What every node form takes: the node's data, its problems, and where edits go. */
export interface NodeFormProps {
  readonly data: Data;
  readonly problems: readonly Diagnostic[];
  readonly onChange: (data: Data) => void;
}

/** `data` with `patch` applied; a key patched to undefined is removed (absent, as the schema expects). */
export function patched(data: Data, patch: Data): Data {
  const next: Data = { ...data, ...patch };
  for (const [key, value] of Object.entries(patch)) if (value === undefined) delete next[key];
  return next;
}

/** The messages for a setting and everything under it (`conditions` also takes `conditions.0.value`). */
export function messagesFor(problems: readonly Diagnostic[], field: string): string[] {
  return problems.filter((p) => p.field === field || p.field?.startsWith(`${field}.`)).map((p) => p.message);
}

export function FieldErrors({ messages, id }: { messages: readonly string[]; id?: string }) {
  if (messages.length === 0) return null;
  return (
    <span className="field-error" id={id}>
      {messages.join(' ')}
    </span>
  );
}

/**
 * One labelled control with a hint and the setting's problems below it (outside the label,
 * so the control's name stays short). The control is a render function receiving its id
 * and the attributes that tie it to the hint and the problems.
 */
export function Field({
  label,
  aside,
  hint,
  messages = [],
  children,
}: {
  label: ReactNode;
  /** Shown at the end of the label row, not part of the name (a character counter). */
  aside?: ReactNode;
  hint?: ReactNode;
  messages?: readonly string[];
  children: (control: {
    id: string;
    'aria-invalid': boolean | undefined;
    'aria-describedby': string | undefined;
  }) => ReactNode;
}) {
  const id = useId();
  const invalid = messages.length > 0;
  const describedBy = [hint ? `${id}-hint` : '', invalid ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className="node-field">
      <div className="node-field-label">
        <label htmlFor={id}>{label}</label>
        {aside}
      </div>
      {children({ id, 'aria-invalid': invalid || undefined, 'aria-describedby': describedBy })}
      {hint && (
        <span className="field-hint" id={`${id}-hint`}>
          {hint}
        </span>
      )}
      <FieldErrors messages={messages} id={`${id}-error`} />
    </div>
  );
}

const toText = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? String(value) : '');

/**
 * A number input: emits a number, or undefined when empty (the compiler then says what is
 * missing). Keeps what is typed while it is not a number yet, and follows outside changes (undo).
 */
export function NumberInput({
  value,
  onChange,
  ...rest
}: { value: unknown; onChange: (value: number | undefined) => void } & Omit<
  InputHTMLAttributes<HTMLInputElement>,
  'value' | 'onChange' | 'type'
>) {
  const [text, setText] = useState(toText(value));
  useEffect(() => {
    setText((current) => (Number(current) === value && current.trim() !== '' ? current : toText(value)));
  }, [value]);
  return (
    <input
      {...rest}
      type="number"
      inputMode="numeric"
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        const n = e.target.value.trim() === '' ? undefined : Number(e.target.value);
        onChange(n === undefined || Number.isNaN(n) ? undefined : n);
      }}
    />
  );
}

/** The value at `key` when it is a string. */
export function str(data: Data, key: string): string | undefined {
  const value = data[key];
  return typeof value === 'string' ? value : undefined;
}

/** The value at `key` when it is a plain object. */
export function obj(data: Data, key: string): Data | undefined {
  const value = data[key];
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Data) : undefined;
}
