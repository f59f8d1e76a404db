/**
 * A push page that reaches phones: claim each message in the ledger, change each pass's
 * message (once per push, even when the page is retried), notify every registered Apple
 * device through APNs and every Google Wallet object through `addMessage`, and record one
 * delivery per customer with what each device answered.
 *
 * Why a repeated APNs notification is harmless: the notification carries nothing; the
 * device fetches the pass, and the lock screen shows the text only when the message field
 * changed. A retried page sends the notification again but never changes the field twice
 * (`passes.last_push`), and Google ignores a message id it already has.
 */
import { sql } from 'kysely';
import type { DeviceOutcome } from '../../engine/db/schema';
import type { PushStep } from '../../engine/compiler/plan';
import { CHANGE_MARK, passChanged, pushExtras } from '../../engine/wallet/pass-changes';
import { claim, record, type LedgerKey, type Outcome } from '../../engine/deliveries/ledger';
import {
  appleDevices,
  forgetAppleDevices,
  GOOGLE_NOTIFICATIONS_PER_DAY,
  googleObjects,
  spendGoogleNotifications,
  type AppleDevice,
  type GoogleObject,
} from '../../engine/channels/wallet/devices';
import type { ApnsOutcome, GoogleOutcome } from '../../engine/channels/wallet/types';
import type { StepContext, WalletChannel } from './context';
import type { RecipientRow } from './members';

/** After this many attempts at a page, a device still failing is recorded as failed, not retried. */
export const MAX_PUSH_ATTEMPTS = 5;
/** Google calls in flight at once per page. */
const GOOGLE_CONCURRENCY = 16;

interface DeviceResult extends DeviceOutcome {
  readonly customerId: string;
}

export async function pushToWallets(
  ctx: StepContext,
  wallet: WalletChannel,
  runId: string,
  step: PushStep,
  recipients: readonly RecipientRow[],
): Promise<void> {
  const key: LedgerKey = { runId, nodeId: step.id, channel: 'push', heldUntil: ctx.heldUntil };
  const mine = await claim(ctx.db, key, recipients, ctx.claimKey);
  const todo = recipients.filter((r) => mine.has(r.customerId));
  if (todo.length === 0) return;
  const pushKey = `${runId}/${step.id}`;
  await changeMessages(ctx, pushKey, step, todo);

  const ids = todo.map((r) => r.customerId);
  const apple = wallet.apns ? await appleDevices(ctx.db, ids) : [];
  const google = wallet.google ? await googleObjects(ctx.db, ids, pushKey) : [];
  const [appleResults, googleResults] = await Promise.all([
    sendApple(wallet, apple),
    sendGoogle(ctx, wallet, google, pushKey, step.text),
  ]);
  await forgetAppleDevices(
    ctx.db,
    apple.filter((_, i) => appleResults[i]?.status === 'gone'),
  );

  const byCustomer = new Map<string, DeviceResult[]>();
  for (const d of [...appleResults, ...googleResults])
    byCustomer.set(d.customerId, [...(byCustomer.get(d.customerId) ?? []), d]);
  const attempts = await ledgerAttempts(
    ctx,
    key,
    todo.filter((r) => byCustomer.get(r.customerId)?.some((d) => d.status === 'retry')),
  );
  const outcomes: Outcome[] = [];
  let waiting = 0;
  for (const r of todo) {
    const devices = byCustomer.get(r.customerId) ?? [];
    const outcome = decide(r, devices, attempts.get(r.customerId) ?? 1);
    if (outcome) outcomes.push(outcome);
    else waiting += 1;
  }
  await record(ctx.db, key, outcomes);
  if (waiting > 0) {
    // Left `sending`: the activity's retry (with Temporal's backoff) sends to them again.
    throw new Error(`${waiting} push deliveries wait for a wallet provider to answer (429/5xx); retrying`);
  }
}

/** The delivery for one customer from its devices' answers; undefined while a device should be retried. */
function decide(r: RecipientRow, devices: readonly DeviceResult[], attempts: number): Outcome | undefined {
  const who = { seq: r.seq, customerId: r.customerId };
  const outcomes = devices.map(({ customerId: _, ...d }) => d);
  if (devices.length === 0) return { ...who, status: 'skipped', reason: 'no_wallet_device' };
  const retrying = devices.some((d) => d.status === 'retry');
  if (retrying && attempts < MAX_PUSH_ATTEMPTS) return undefined;
  const unreached = devices.filter((d) => d.status !== 'sent');
  const why = unreached.map((d) => `${failureReason(d)} (${d.platform} ${d.device})`);
  if (unreached.length === devices.length)
    return { ...who, status: 'failed', reason: why.join('; '), devices: outcomes };
  const silent = devices.some((d) => d.platform === 'google' && d.status === 'sent' && d.answer === 'TEXT');
  const reason = [...(silent ? ['google_notification_budget'] : []), ...why].join('; ') || null;
  return { ...who, status: 'sent', reason, devices: outcomes };
}

/** `unregistered`, `bad_device_token`, or the provider's answer. */
function failureReason(d: DeviceOutcome): string {
  if (d.answer.startsWith('410')) return 'unregistered';
  if (d.answer.includes('BadDeviceToken')) return 'bad_device_token';
  return d.answer;
}

/**
 * Puts the text on each pass and marks it changed, once per push: a retried page finds
 * `last_push` already set and leaves the pass alone, so the lock screen never shows it twice.
 */
async function changeMessages(
  ctx: StepContext,
  pushKey: string,
  step: PushStep,
  todo: readonly RecipientRow[],
): Promise<void> {
  const { text } = step;
  await sql`
    update passes p
    set message = case when p.message = ${text} then ${text + CHANGE_MARK} else ${text} end,
        voucher_code = coalesce(v.code, p.voucher_code),
        last_push = ${pushKey},
        ${pushExtras(step)},
        ${passChanged('p')}
    from unnest(${todo.map((r) => r.customerId)}::uuid[], ${todo.map((r) => r.voucherCode)}::text[]) as v(customer_id, code)
    where p.customer_id = v.customer_id and p.last_push is distinct from ${pushKey}`.execute(ctx.db);
}

async function sendApple(wallet: WalletChannel, devices: readonly AppleDevice[]): Promise<DeviceResult[]> {
  if (!wallet.apns || devices.length === 0) return [];
  const answers = await wallet.apns.push(devices.map((d) => d.pushToken));
  return devices.map((d, i) => appleResult(d, answers[i]));
}

function appleResult(d: AppleDevice, a: ApnsOutcome | undefined): DeviceResult {
  const base = { customerId: d.customerId, platform: 'apple' as const, device: d.deviceId };
  if (!a) return { ...base, status: 'retry', answer: 'no answer', attempts: 0 };
  switch (a.status) {
    case 'sent':
      return { ...base, status: 'sent', answer: '200', attempts: a.attempts };
    case 'gone':
      return {
        ...base,
        status: 'gone',
        answer: a.reason === 'unregistered' ? '410 Unregistered' : '400 BadDeviceToken',
        attempts: a.attempts,
      };
    case 'retry':
      return { ...base, status: 'retry', answer: a.reason, attempts: a.attempts };
    case 'failed':
      return { ...base, status: 'failed', answer: a.reason, attempts: a.attempts };
  }
}

async function sendGoogle(
  ctx: StepContext,
  wallet: WalletChannel,
  objects: readonly GoogleObject[],
  pushKey: string,
  text: string,
): Promise<DeviceResult[]> {
  const google = wallet.google;
  if (!google || objects.length === 0) return [];
  const messageId = `stampflow-${pushKey.replace(/[^\w-]/g, '-')}`;
  const results: DeviceResult[] = new Array<DeviceResult>(objects.length);
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < objects.length; i = next++) {
      const o = objects[i]!;
      const notify = o.alreadyNotified || o.notificationsToday < GOOGLE_NOTIFICATIONS_PER_DAY;
      const answer = await google.addMessage({
        objectId: o.objectId,
        messageId,
        header: ctx.merchant.name,
        body: text,
        notify,
      });
      results[i] = googleResult(o, answer);
    }
  };
  await Promise.all(Array.from({ length: Math.min(GOOGLE_CONCURRENCY, objects.length) }, lane));
  const notified = objects.filter((_, i) => results[i]?.answer === 'TEXT_AND_NOTIFY').map((o) => o.customerId);
  await spendGoogleNotifications(ctx.db, notified, pushKey);
  return results;
}

function googleResult(o: GoogleObject, a: GoogleOutcome): DeviceResult {
  const base = { customerId: o.customerId, platform: 'google' as const, device: o.objectId };
  if (a.status === 'sent')
    return { ...base, status: 'sent', answer: a.notified ? 'TEXT_AND_NOTIFY' : 'TEXT', attempts: a.attempts };
  return { ...base, status: a.status, answer: a.reason, attempts: a.attempts };
}

/** How often the ledger has claimed these rows (the page's attempts so far). */
async function ledgerAttempts(
  ctx: StepContext,
  key: LedgerKey,
  rows: readonly RecipientRow[],
): Promise<Map<string, number>> {
  if (rows.length === 0) return new Map();
  const found = await ctx.db
    .selectFrom('deliveries')
    .select(['customer_id', 'attempts'])
    .where('run_id', '=', key.runId)
    .where('node_id', '=', key.nodeId)
    .where('channel', '=', key.channel)
    .where(
      'customer_id',
      'in',
      rows.map((r) => r.customerId),
    )
    .execute();
  return new Map(found.map((r) => [r.customer_id, r.attempts]));
}
