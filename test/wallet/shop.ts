/** What the wallet tests do over and over: a shop with customers, and a push run to completion. */
import {
  createMerchant,
  importCustomers,
  publishedFlow,
  runDeliveries,
  startRun,
  waitForStatus,
  type App,
  type Customer,
  type Merchant,
} from '../e2e/http';
import { broadcastGraph } from '../support/graphs';

const FINAL = ['completed', 'failed', 'cancelled'] as const;

/** Helpers bound to the file's app (`file.app` is read when they are called). */
export function walletKit(file: { readonly app: App }) {
  /** A merchant with `n` customers, answered in import order. */
  async function shop(name: string, n: number): Promise<{ m: Merchant; customers: Customer[] }> {
    const m = await createMerchant(file.app, name);
    const rows = Array.from({ length: n }, (_, i) => ({
      externalId: `${name}-${i}`,
      name: `Guest ${i}`,
      cardId: m.cardId,
    }));
    const byExt = await importCustomers(m, rows);
    return { m, customers: rows.map((r) => byExt.get(r.externalId)!) };
  }

  /** A push broadcast of `text`, run to its end. */
  async function push(m: Merchant, text: string) {
    const flowId = await publishedFlow(m, broadcastGraph({ push: text }), `push ${text}`);
    const { runId } = await startRun(m, flowId);
    const report = await waitForStatus(file.app, m.key, runId, FINAL);
    return { runId, report, deliveries: await runDeliveries(m, runId) };
  }

  return { shop, push };
}
