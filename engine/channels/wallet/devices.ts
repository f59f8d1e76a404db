/**
 * The wallet devices a push reaches: each customer's registered Apple devices and Google
 * Wallet object, the Google notification budget, and forgetting devices that are gone.
 */
import { sql } from 'kysely';
import type { Db } from '../../db/database';

export interface AppleDevice {
  readonly customerId: string;
  readonly serialNumber: string;
  readonly deviceId: string;
  readonly pushToken: string;
}

export interface GoogleObject {
  readonly customerId: string;
  readonly objectId: string;
  /** Notifying messages this pass had in the last 24 hours. */
  readonly notificationsToday: number;
  /** This push already notified it (a retried page). */
  readonly alreadyNotified: boolean;
}

/** Google Wallet shows at most 3 notifying messages per pass per rolling 24 hours. */
export const GOOGLE_NOTIFICATIONS_PER_DAY = 3;

export async function appleDevices(db: Db, customerIds: readonly string[]): Promise<AppleDevice[]> {
  if (customerIds.length === 0) return [];
  const { rows } = await sql<{
    customer_id: string;
    serial_number: string;
    device_library_id: string;
    push_token: string;
  }>`
    select p.customer_id, p.serial_number, r.device_library_id, r.push_token
    from passes p
    join apple_registrations r on r.serial_number = p.serial_number
    where p.customer_id = any(${[...customerIds]}::uuid[])
    order by p.customer_id, r.device_library_id`.execute(db);
  return rows.map((r) => ({
    customerId: r.customer_id,
    serialNumber: r.serial_number,
    deviceId: r.device_library_id,
    pushToken: r.push_token,
  }));
}

export async function googleObjects(
  db: Db,
  customerIds: readonly string[],
  messageId: string,
): Promise<GoogleObject[]> {
  if (customerIds.length === 0) return [];
  const { rows } = await sql<{ customer_id: string; google_object_id: string; today: number; already: boolean }>`
    select p.customer_id, p.google_object_id,
      (select count(*)::int from google_notifications n where n.customer_id = p.customer_id and n.at > now() - interval '24 hours') as today,
      exists (select 1 from google_notifications n where n.customer_id = p.customer_id and n.message_id = ${messageId}) as already
    from passes p
    where p.customer_id = any(${[...customerIds]}::uuid[]) and p.google_object_id is not null`.execute(db);
  return rows.map((r) => ({
    customerId: r.customer_id,
    objectId: r.google_object_id,
    notificationsToday: r.today,
    alreadyNotified: r.already,
  }));
}

/** Counts a notifying message against the pass's budget (once per message id). */
export async function spendGoogleNotifications(
  db: Db,
  customerIds: readonly string[],
  messageId: string,
): Promise<void> {
  if (customerIds.length === 0) return;
  await sql`
    insert into google_notifications (customer_id, message_id)
    select unnest(${[...customerIds]}::uuid[]), ${messageId}
    on conflict do nothing`.execute(db);
}

/** APNs said these devices are gone (410, BadDeviceToken): their registrations go. */
export async function forgetAppleDevices(db: Db, gone: readonly AppleDevice[]): Promise<void> {
  if (gone.length === 0) return;
  await sql`
    delete from apple_registrations r
    using unnest(${gone.map((d) => d.serialNumber)}::text[], ${gone.map((d) => d.deviceId)}::text[]) as g(serial_number, device_library_id)
    where r.serial_number = g.serial_number and r.device_library_id = g.device_library_id`.execute(db);
}
