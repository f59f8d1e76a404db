/**
 * The card-campaign form: card, name, push text with its live counter and lock-screen
 * preview, an optional voucher, an optional email, and when to send.
 */
import { useCallback, useId, useMemo, useRef, useState, type FormEvent } from 'react';
import { displayTimeZone, fromLocalInput, toLocalInput } from '../shell/format';
import { LockScreen } from '../shell/LockScreen';
import { PushExtras } from './PushExtras';
import { CampaignGoal } from './CampaignGoal';
import { ErrorNote } from '../shell/Layout';
import {
  checkDraft,
  defaultCampaignName,
  pushLength,
  withDefaultName,
  PUSH_MAX_GRAPHEMES,
  type CampaignDraft,
  type Field,
  type FieldErrors,
} from './campaign-draft';
import { PostalAddressWarning } from '../settings/PostalAddressWarning';
import { EmailPreview } from '../flows/forms/EmailPreview';
import { CampaignReach } from './CampaignReach';
import { CampaignTestSend } from './CampaignTestSend';
import { PlaceholderPicker } from './PlaceholderPicker';
import { PreviewCustomer } from './PreviewCustomer';

export interface CardChoice {
  readonly id: string;
  readonly name: string;
}

export function CampaignForm({
  cards,
  merchantName,
  busy,
  serverFields,
  serverError,
  onSubmit,
  now = new Date(),
  telegramBot,
}: {
  cards: readonly CardChoice[];
  merchantName: string;
  busy: boolean;
  serverFields: FieldErrors;
  serverError: string | undefined;
  onSubmit: (draft: CampaignDraft) => void;
  /** When the form opened: the default name's time. */
  now?: Date;
  /** The connected Telegram bot's @username; without one the Telegram choice is not offered. */
  telegramBot?: string | undefined;
}) {
  const [openedAt] = useState(now);
  const firstCard = cards[0]?.id ?? '';
  const [draft, setDraft] = useState<CampaignDraft>(() => ({
    cardId: firstCard,
    name: cards[0] ? defaultCampaignName(cards[0].name, openedAt) : '',
    nameEdited: false,
    pushText: '',
    nearbyText: '',
    nearbyUntil: '',
    messageText: '',
    voucher: undefined,
    email: undefined,
    when: 'now',
    sendAt: '',
  }));
  /** Server errors stay on their field until the merchant changes that field. */
  const [edited, setEdited] = useState<ReadonlySet<Field>>(new Set());
  const [touched, setTouched] = useState<ReadonlySet<Field>>(new Set());
  const id = useId();
  /** The customer whose data fills the email preview and the test. */
  const [previewCustomer, setPreviewCustomer] = useState<string>();
  const choosePreviewCustomer = useCallback((customerId: string | undefined) => setPreviewCustomer(customerId), []);
  const subjectRef = useRef<HTMLInputElement>(null);
  const bodyRef = useRef<HTMLTextAreaElement>(null);
  /** Where "Insert" puts a placeholder: the email field used last (the text by default). */
  const placeholderTarget = useRef<HTMLInputElement | HTMLTextAreaElement | null>(null);

  const problems = useMemo(() => checkDraft(draft), [draft]);
  const invalid = Object.keys(problems).length > 0;
  const push = pushLength(draft.pushText);

  const update = (fields: Field[], patch: Partial<CampaignDraft>) => {
    setDraft((d) => withDefaultName({ ...d, ...patch }, openedAt, cards));
    setEdited((e) => new Set([...e, ...fields]));
  };
  const touch = (field: Field) => setTouched((t) => (t.has(field) ? t : new Set([...t, field])));
  /** What to show under a field: the server's word first, then ours once the field was left. */
  const errorOf = (field: Field): string | undefined =>
    (!edited.has(field) ? serverFields[field] : undefined) ?? (touched.has(field) ? problems[field] : undefined);
  const controlId = (field: Field) => `${id}-${field}`;
  const hintId = (field: Field) => `${id}-${field}-hint`;
  const errorId = (field: Field) => `${id}-${field}-error`;
  /** The id, validity and descriptions of a field's control (label and hint stay separate, so the name is just the label). */
  const controlProps = (field: Field, { hint = false, invalid: forced = false } = {}) => {
    const error = errorOf(field);
    const described = [hint ? hintId(field) : '', error || forced ? errorId(field) : ''].filter(Boolean).join(' ');
    return {
      id: controlId(field),
      'aria-invalid': error || forced ? true : undefined,
      'aria-describedby': described || undefined,
      onBlur: () => touch(field),
    } as const;
  };
  const fieldError = (field: Field) => {
    const error = errorOf(field);
    return error ? (
      <span className="field-error" id={errorId(field)}>
        {error}
      </span>
    ) : null;
  };
  const fieldHint = (field: Field, text: string) => (
    <span className="field-hint" id={hintId(field)}>
      {text}
    </span>
  );

  function submit(event: FormEvent) {
    event.preventDefault();
    if (invalid || busy) return;
    setEdited(new Set());
    onSubmit(draft);
  }

  const chooseCard = (cardId: string) => update(['cardId'], { cardId });

  return (
    <form className="campaign-form" onSubmit={submit} noValidate aria-label="New card campaign">
      <div className="campaign-fields stack">
        <ErrorNote error={serverError} />
        <div className="field">
          <label htmlFor={controlId('cardId')}>Stamp card</label>
          <select
            value={draft.cardId}
            onChange={(e) => chooseCard(e.target.value)}
            {...controlProps('cardId', { hint: true })}
          >
            {cards.length !== 1 && <option value="">Choose a card…</option>}
            {cards.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
          {fieldHint('cardId', 'Everyone holding this card gets the campaign.')}
          {fieldError('cardId')}
        </div>

        <div className="field">
          <label htmlFor={controlId('name')}>Name</label>
          <input
            value={draft.name}
            maxLength={200}
            onChange={(e) => update(['name'], { name: e.target.value, nameEdited: true })}
            {...controlProps('name', { hint: true })}
          />
          {fieldHint('name', 'Only you see it, in the campaign list.')}
          {fieldError('name')}
        </div>

        <div className="field">
          <label htmlFor={controlId('push.text')}>Push message</label>
          <div className="push-input">
            <input
              value={draft.pushText}
              placeholder="Coffee's waiting ☕"
              onChange={(e) => update(['push.text'], { pushText: e.target.value })}
              {...controlProps('push.text', { hint: true, invalid: push.over })}
            />
            <span
              className={push.over ? 'counter counter-over' : 'counter'}
              data-testid="push-counter"
              aria-live="polite"
            >
              {push.count}/{PUSH_MAX_GRAPHEMES}
            </span>
          </div>
          {push.over ? (
            <span className="field-error" id={errorId('push.text')} role="alert">
              Too long: the wallet shows at most {PUSH_MAX_GRAPHEMES} characters. Remove{' '}
              {push.count - PUSH_MAX_GRAPHEMES}.
            </span>
          ) : (
            fieldError('push.text')
          )}
          {fieldHint(
            'push.text',
            'Shows on the lock screen of everyone with the card in their wallet. An emoji counts as one character.',
          )}
        </div>

        <PushExtras draft={draft} update={update} field={{ controlProps, fieldError, fieldHint }} />

        {draft.voucher ? (
          <fieldset className="section-box">
            <legend>Voucher</legend>
            <div className="row voucher-row">
              <div className="field grow">
                <label htmlFor={controlId('voucher.title')}>Voucher title</label>
                <input
                  value={draft.voucher.title}
                  placeholder="Free coffee"
                  maxLength={100}
                  onChange={(e) =>
                    draft.voucher && update(['voucher.title'], { voucher: { ...draft.voucher, title: e.target.value } })
                  }
                  {...controlProps('voucher.title')}
                />
                {fieldError('voucher.title')}
              </div>
              <div className="field">
                <label htmlFor={controlId('voucher.validDays')}>Valid for (days)</label>
                <input
                  type="number"
                  inputMode="numeric"
                  min={1}
                  max={3650}
                  value={draft.voucher.validDays}
                  onChange={(e) =>
                    draft.voucher &&
                    update(['voucher.validDays'], { voucher: { ...draft.voucher, validDays: e.target.value } })
                  }
                  {...controlProps('voucher.validDays')}
                />
                {fieldError('voucher.validDays')}
              </div>
            </div>
            <span className="field-hint">Each customer gets their own code on the card, valid for this many days.</span>
            <div>
              <button type="button" className="link-button" onClick={() => update([], { voucher: undefined })}>
                Remove voucher
              </button>
            </div>
          </fieldset>
        ) : (
          <div>
            <button
              type="button"
              className="add-voucher"
              onClick={() => update([], { voucher: { title: '', validDays: '14' } })}
            >
              + ADD VOUCHER
            </button>
          </div>
        )}

        {telegramBot && (
          <label className="inline">
            <input
              type="checkbox"
              checked={draft.telegram === true}
              onChange={(e) => update(['messageText'], { telegram: e.target.checked })}
            />
            Also send the longer message via Telegram (@{telegramBot}), to customers who linked Telegram
          </label>
        )}
        <label className="inline">
          <input
            type="checkbox"
            checked={draft.email !== undefined}
            onChange={(e) =>
              update([], { email: e.target.checked ? (draft.email ?? { subject: '', body: '' }) : undefined })
            }
          />
          Also send via Email
        </label>
        {draft.email && (
          <fieldset className="section-box">
            <legend>Email</legend>
            <PostalAddressWarning />
            <div className="field">
              <label htmlFor={controlId('email.subject')}>Subject</label>
              <input
                ref={subjectRef}
                onFocus={() => (placeholderTarget.current = subjectRef.current)}
                value={draft.email.subject}
                maxLength={200}
                onChange={(e) =>
                  draft.email && update(['email.subject'], { email: { ...draft.email, subject: e.target.value } })
                }
                {...controlProps('email.subject')}
              />
              {fieldError('email.subject')}
            </div>
            <div className="field">
              <label htmlFor={controlId('email.body')}>Text</label>
              <textarea
                ref={bodyRef}
                onFocus={() => (placeholderTarget.current = bodyRef.current)}
                rows={8}
                value={draft.email.body}
                onChange={(e) =>
                  draft.email && update(['email.body'], { email: { ...draft.email, body: e.target.value } })
                }
                {...controlProps('email.body', { hint: true })}
              />
              {fieldError('email.body')}
            </div>
            <span className="field-hint" id={hintId('email.body')}>
              Only customers who agreed to emails get it. The buttons put a customer’s details where your cursor is.
            </span>
            <PlaceholderPicker
              label="Insert a customer’s details into the email"
              target={() => placeholderTarget.current ?? bodyRef.current}
              onInsert={(field, text) => {
                if (!draft.email) return;
                if (field === subjectRef.current) update(['email.subject'], { email: { ...draft.email, subject: text } });
                else update(['email.body'], { email: { ...draft.email, body: text } });
              }}
            />
            <PreviewCustomer
              id={`${id}-preview-customer`}
              cardId={draft.cardId}
              value={previewCustomer}
              onChange={choosePreviewCustomer}
            />
            <EmailPreview subject={draft.email.subject} body={draft.email.body} customerId={previewCustomer} />
            <CampaignTestSend
              email={draft.email}
              customerId={previewCustomer}
              disabled={
                problems['email.subject'] ?? problems['email.body'] ? 'Fix the email above to send a test.' : undefined
              }
            />
          </fieldset>
        )}

        <CampaignGoal draft={draft} update={update} />

        <fieldset className="section-box when">
          <legend>When</legend>
          <label className="inline">
            <input
              type="radio"
              name={`${id}-when`}
              checked={draft.when === 'now'}
              onChange={() => update(['sendAt'], { when: 'now' })}
            />
            Send now
          </label>
          <div className="row">
            <label className="inline">
              <input
                type="radio"
                name={`${id}-when`}
                checked={draft.when === 'at'}
                onChange={() =>
                  update(['sendAt'], {
                    when: 'at',
                    sendAt: draft.sendAt || toLocalInput(new Date(Date.now() + 3_600_000)),
                  })
                }
              />
              Send at
            </label>
            <input
              type="datetime-local"
              aria-label="Send at (date and time)"
              value={draft.sendAt}
              disabled={draft.when !== 'at'}
              min={toLocalInput(new Date())}
              onChange={(e) => update(['sendAt'], { sendAt: e.target.value })}
              {...controlProps('sendAt')}
            />
          </div>
          {displayTimeZone() && (
            <span className="field-hint">Times are in {displayTimeZone()}, your shop’s time zone.</span>
          )}
          {fieldError('sendAt')}
        </fieldset>

        <CampaignReach
          cardId={draft.cardId}
          email={draft.email !== undefined}
          sendAt={draft.when === 'at' ? fromLocalInput(draft.sendAt)?.toISOString() : undefined}
        />

        <div className="submit-row">
          <button type="submit" className="primary" disabled={invalid || busy}>
            {busy ? 'Sending…' : 'Send campaign'}
          </button>
          {invalid && !busy && (
            <span className="hint" aria-live="polite">
              Still needed: {Object.values(problems)[0]}
            </span>
          )}
        </div>
      </div>

      <aside className="campaign-preview" aria-label="Preview">
        <LockScreen
          title={merchantName}
          message={draft.pushText}
          nearby={draft.nearbyText || undefined}
          at={draft.when === 'at' ? fromLocalInput(draft.sendAt) : undefined}
        />
        {draft.voucher?.title && (
          <p className="hint">
            With a voucher: “{draft.voucher.title}”, valid {draft.voucher.validDays || '?'} days.
          </p>
        )}
      </aside>
    </form>
  );
}
