/**
 * The `wallet` baseline's child process: the production APNs sender (`createApnsSender`,
 * default concurrency) pushing a list of tokens, with no Temporal and no ledger. Run by
 * `direct-apns.ts` with NODE_EXTRA_CA_CERTS set, which Node reads only at start-up: that is
 * how the sender trusts the local APNs server, exactly as the worker does.
 *
 * node --import tsx bench/support/direct-apns-cli.ts --certs DIR --tokens FILE --url URL
 * # {"seconds":1.23,"sent":100000,"outcomes":{"sent":100000},"cpuSeconds":9.8,"peakRssMb":80.1}
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createApnsSender } from '../../engine/channels/wallet/apns';
import { readTestCertificates, testSigner } from '../../test/support/certs';

const { values } = parseArgs({
  options: { certs: { type: 'string' }, tokens: { type: 'string' }, url: { type: 'string' } },
});
if (!values.certs || !values.tokens || !values.url) throw new Error('pass --certs DIR --tokens FILE --url URL');

const tokens = readFileSync(values.tokens, 'utf8').split('\n').filter(Boolean);
const apns = createApnsSender({ url: values.url, signer: testSigner(readTestCertificates(values.certs)) });
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const outcomes = await apns.push(tokens);
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
await apns.close();

const byStatus: Record<string, number> = {};
for (const o of outcomes) byStatus[o.status] = (byStatus[o.status] ?? 0) + 1;
const hwm = /VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
process.stdout.write(
  `${JSON.stringify({ seconds, sent: byStatus.sent ?? 0, outcomes: byStatus, cpuSeconds: (cpu.user + cpu.system) / 1e6, peakRssMb: Number(hwm ?? 0) / 1024 })}\n`,
);
