/**
 * A card holder (who has their pass's serial and token) cannot flood the PassKit web
 * service: devices per pass are capped, registration calls are limited per pass and per
 * client address, and registering one pass never changes the push token of another pass
 * on the same device id. Counts are taken at the local APNs server.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_DEVICES_PER_PASS } from '../../server/api/wallet-apple.routes';
import { createApnsSender } from '../../engine/channels/wallet/apns';
import type { ApnsSender } from '../../engine/channels/wallet/types';
import { startApnsServer, type ApnsServer } from '../apns/server';
import { testCertificates, testSigner } from '../support/certs';
import { DEFAULT_CHANNELS, startStack } from '../support/stack';
import { stackForFile } from '../e2e/http';
import { walletKit } from './shop';
import { Phone, type PassJson } from './phone';

const certs = testCertificates();
const signer = testSigner(certs);
let apns: ApnsServer;
let sender: ApnsSender;
const file = stackForFile(
  async () => {
    apns = await startApnsServer();
    sender = createApnsSender({ url: apns.url, signer, backoffMs: 20 });
    return startStack({ ...DEFAULT_CHANNELS, wallet: { apns: sender } });
  },
  () => ({ wallet: { publicUrl: 'https://wallet.stampflow.test', signer }, trustProxy: true }),
);
afterAll(async () => {
  await sender?.close();
  await apns?.close();
});
const { shop, push } = walletKit(file);
const phone = () => new Phone(file.app, certs.caPath);

/** A registration sent by hand: any device id, push token and client address. */
function register(pass: PassJson, options: { deviceId?: string; pushToken?: string; client?: string } = {}) {
  const deviceId = options.deviceId ?? randomBytes(16).toString('hex');
  return file.app.request(`/wallet/apple/v1/devices/${deviceId}/registrations/${pass.passTypeIdentifier}/${pass.serialNumber}`, {
    method: 'POST',
    headers: {
      Authorization: `ApplePass ${pass.authenticationToken}`,
      'X-Forwarded-For': options.client ?? `10.0.0.${1 + Math.floor(Math.random() * 250)}`,
    },
    body: JSON.stringify({ pushToken: options.pushToken ?? randomBytes(32).toString('hex') }),
  });
}

describe('device registrations of one pass', () => {
  it(`stop at ${MAX_DEVICES_PER_PASS} devices, and a push makes at most that many APNs requests`, async () => {
    const { m, customers } = await shop('device-cap', 1);
    const pass = await phone().addPass(customers[0]!.walletUrl!);
    const answers: number[] = [];
    for (let i = 0; i < 32; i++) answers.push((await register(pass)).status);
    expect(answers.filter((s) => s === 201)).toHaveLength(MAX_DEVICES_PER_PASS);
    // Refused for the cap (403), then for the pass's call limit (429).
    expect(answers.slice(MAX_DEVICES_PER_PASS).every((s) => s === 403 || s === 429)).toBe(true);
    expect(answers.filter((s) => s === 403).length).toBeGreaterThan(10);
    const before = apns.requests.length;
    await push(m, 'Cap');
    expect(apns.requests.length - before).toBe(MAX_DEVICES_PER_PASS);
  });

  it('are limited per pass across device ids (429 with Retry-After)', async () => {
    const { customers } = await shop('pass-limit', 1);
    const pass = await phone().addPass(customers[0]!.walletUrl!);
    const deviceIds = Array.from({ length: 5 }, () => randomBytes(16).toString('hex'));
    const answers: Response[] = [];
    for (let i = 0; i < 40; i++) answers.push(await register(pass, { deviceId: deviceIds[i % 5]! }));
    const limited = answers.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited.length).toBeLessThanOrEqual(10);
    expect(Number(limited[0]!.headers.get('Retry-After'))).toBeGreaterThan(0);
  });

  it('are limited per client address, whatever the pass and device', async () => {
    const { customers } = await shop('client-limit', 20);
    const passes: PassJson[] = [];
    for (const c of customers) passes.push(await phone().addPass(c.walletUrl!));
    const statuses: number[] = [];
    for (let i = 0; i < 130; i++) statuses.push((await register(passes[i % passes.length]!, { client: '192.0.2.77' })).status);
    expect(statuses.includes(429)).toBe(true);
    // Another address is not held back by it.
    expect(statuses.filter((s) => s === 403)).toEqual([]);
    expect((await register(passes[19]!, { client: '192.0.2.78', deviceId: 'fresh-device' })).status).toBe(201);
  });

  it('never changes the push token another pass registered on the same device id', async () => {
    const { m, customers } = await shop('token-overwrite', 2);
    const victimPhone = phone();
    const victimPass = await victimPhone.addPass(customers[0]!.walletUrl!);
    expect((await victimPhone.register(victimPass)).status).toBe(201);
    // The attacker holds another pass and knows the victim's device id.
    const attackerPass = await phone().addPass(customers[1]!.walletUrl!);
    const attackerToken = randomBytes(32).toString('hex');
    expect((await register(attackerPass, { deviceId: victimPhone.deviceId, pushToken: attackerToken })).status).toBe(201);
    await push(m, 'Mine');
    expect(apns.delivered(victimPhone.pushToken)).toBe(1);
    expect(apns.delivered(attackerToken)).toBe(1);
  });
});

describe('the PassKit log endpoint', () => {
  it('is rate-limited per client address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await file.app.request('/wallet/apple/v1/log', {
        method: 'POST',
        headers: { 'X-Forwarded-For': '198.51.100.9' },
        body: JSON.stringify({ logs: ['x'.repeat(70)] }),
      });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 10).every((s) => s === 200)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
  });
});
