/**
 * An email's subject as sent, placeholders filled, is kept by the delivery ledger for emails
 * sent through Postmark (which keeps the only other copy): the run page and the customer's
 * timeline show the subject Postmark received.
 */
import { describe, expect, it } from 'vitest';
import { ok } from '../e2e/http';
import { broadcastGraph } from '../support/graphs';
import { emailKit } from './kit';
import { servedForFile } from './served';

const file = servedForFile();
const { people, run, sentTo, merchant } = emailKit(file);

describe('the subject as sent', () => {
  it('is recorded for every email Postmark accepted and shown on the run page and the timeline', async () => {
    const m = await merchant('Subject café');
    const c = await people(m, [
      { key: 'ada', consent: true },
      { key: 'ben', consent: true },
      { key: 'cem', consent: false },
    ]);
    const graph = broadcastGraph({
      cardId: m.cardId,
      email: { subject: 'Hi {{customer.name}}, your {{card.name}} waits', body: 'See you soon' },
    });
    const { deliveries } = await run(m, graph, 'subjects');

    for (const key of ['ada', 'ben']) {
      const who = c.get(key)!;
      const [received] = sentTo(who, 'email');
      expect(received?.Subject).toBe(`Hi Guest ${key}, your Coffee card waits`);
      const shown = deliveries.find((d) => d.customerId === who.id);
      expect(shown).toMatchObject({ status: 'sent', subject: received?.Subject });

      const timeline = ok(
        await m.api.get<{ items: { kind: string; title: string; subject?: string }[] }>(`/v1/customers/${who.id}/timeline`),
        200,
      );
      const item = timeline.items.find((i) => i.kind === 'delivery');
      expect(item).toMatchObject({ subject: received?.Subject, title: `The email “${received?.Subject}” sent` });
    }
    // Nothing went out to a customer without consent, so there is no subject to show.
    const skipped = deliveries.find((d) => d.customerId === c.get('cem')!.id);
    expect(skipped).toMatchObject({ status: 'skipped' });
    expect(skipped?.subject).toBeUndefined();
  });
});
