/** The segment's conditions: who goes out by `match`, everyone else by `else`. */
import { BOOLEAN_FIELDS, MAX_CONDITIONS, NUMERIC_FIELDS, SEGMENT_FIELDS } from '../../../../engine/compiler';
import { FieldErrors, messagesFor, NumberInput, patched, type Data, type NodeFormProps } from './fields';

type SegmentFieldName = (typeof SEGMENT_FIELDS)[number];

const NUMERIC_OPS = [
  ['eq', 'is'],
  ['neq', 'is not'],
  ['gt', 'more than'],
  ['gte', 'at least'],
  ['lt', 'less than'],
  ['lte', 'at most'],
] as const;
const BOOLEAN_OPS = [
  ['eq', 'is'],
  ['neq', 'is not'],
] as const;

const isBoolean = (field: unknown) => typeof field === 'string' && Object.hasOwn(BOOLEAN_FIELDS, field);
const labelOf = (field: SegmentFieldName) =>
  Object.hasOwn(BOOLEAN_FIELDS, field)
    ? BOOLEAN_FIELDS[field as keyof typeof BOOLEAN_FIELDS].label
    : NUMERIC_FIELDS[field as keyof typeof NUMERIC_FIELDS].label;

/** A condition on `field` that holds as it is: `stamps ≥ 5`, `email consent is yes`. */
export function newCondition(field: SegmentFieldName = 'stamps'): Data {
  return isBoolean(field) ? { field, op: 'eq', value: true } : { field, op: 'gte', value: field === 'stamps' ? 5 : 30 };
}

function ConditionRow({
  condition,
  index,
  problems,
  onChange,
  onRemove,
}: {
  condition: Data;
  index: number;
  problems: NodeFormProps['problems'];
  onChange: (c: Data) => void;
  onRemove: (() => void) | undefined;
}) {
  const boolean = isBoolean(condition['field']);
  const n = index + 1;
  const base = `conditions.${index}`;
  const ops = boolean ? BOOLEAN_OPS : NUMERIC_OPS;
  return (
    <li className="condition">
      <div className="condition-row">
        <select
          aria-label={`Condition ${n}: field`}
          value={String(condition['field'] ?? '')}
          onChange={(e) => {
            const field = e.target.value as SegmentFieldName;
            // Changing between a number and yes/no starts the condition afresh.
            onChange(isBoolean(field) === boolean ? { ...condition, field } : newCondition(field));
          }}
        >
          {SEGMENT_FIELDS.map((f) => (
            <option key={f} value={f}>
              {labelOf(f)}
            </option>
          ))}
        </select>
        <select
          aria-label={`Condition ${n}: comparison`}
          value={String(condition['op'] ?? '')}
          onChange={(e) => onChange({ ...condition, op: e.target.value })}
        >
          {ops.map(([op, text]) => (
            <option key={op} value={op}>
              {text}
            </option>
          ))}
        </select>
        {boolean ? (
          <select
            aria-label={`Condition ${n}: value`}
            value={condition['value'] === false ? 'no' : 'yes'}
            onChange={(e) => onChange({ ...condition, value: e.target.value === 'yes' })}
          >
            <option value="yes">yes</option>
            <option value="no">no</option>
          </select>
        ) : (
          <NumberInput
            aria-label={`Condition ${n}: value`}
            className="condition-value"
            min={0}
            value={condition['value']}
            onChange={(value) => onChange(patched(condition, { value }))}
          />
        )}
        {onRemove && (
          <button
            type="button"
            className="icon-button"
            aria-label={`Remove condition ${n}`}
            title="Remove condition"
            onClick={onRemove}
          >
            ✕
          </button>
        )}
      </div>
      <FieldErrors messages={messagesFor(problems, base)} />
    </li>
  );
}

export function SegmentForm({ data, problems, onChange }: NodeFormProps) {
  const conditions = (Array.isArray(data['conditions']) ? data['conditions'] : []) as Data[];
  const setConditions = (next: Data[]) => onChange({ ...data, conditions: next });
  const listMessages = problems.filter((p) => p.field === 'conditions').map((p) => p.message);
  return (
    <div className="stack">
      <label className="node-field">
        <span>Customers match when</span>
        <select
          value={data['match'] === 'any' ? 'any' : 'all'}
          onChange={(e) => onChange({ ...data, match: e.target.value })}
        >
          <option value="all">all of these hold</option>
          <option value="any">any of these holds</option>
        </select>
      </label>
      {conditions.length > 0 && (
        // Column headings for sighted users; each control also carries its own name.
        <div className="condition-row condition-head" aria-hidden="true">
          <span>Field</span>
          <span>Comparison</span>
          <span>Value</span>
        </div>
      )}
      <ol className="conditions" aria-label="Conditions">
        {conditions.map((condition, i) => (
          <ConditionRow
            key={i}
            index={i}
            condition={condition}
            problems={problems}
            onChange={(c) => setConditions(conditions.map((old, j) => (j === i ? c : old)))}
            onRemove={() => setConditions(conditions.filter((_, j) => j !== i))}
          />
        ))}
      </ol>
      <FieldErrors messages={listMessages} />
      <div className="row">
        <button
          type="button"
          onClick={() => setConditions([...conditions, newCondition()])}
          disabled={conditions.length >= MAX_CONDITIONS}
        >
          + Add condition
        </button>
      </div>
      <p className="hint">
        Matching customers continue by “match”, the others by “else” (or leave, if “else” is not connected).
      </p>
    </div>
  );
}
