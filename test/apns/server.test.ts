/**
 * The local APNs itself, spoken to with a bare `node:http2` client: it must refuse what
 * Apple refuses (no or foreign client certificate, a wrong topic, a malformed token) and
 * answer the way Apple answers, so the sender's tests prove something about production.
 */
import { randomBytes } from 'node:crypto';
import { connect, type ClientHttp2Session, type OutgoingHttpHeaders } from 'node:http2';
import { afterEach, describe, expect, it } from 'vitest';
import { makeCertificate } from '../../engine/wallet/x509';
import { TEST_PASS_TYPE_ID, testCertificates } from '../support/certs';
import { startApnsServer, type ApnsServer } from './server';

const certs = testCertificates();
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function apnsServer(): Promise<ApnsServer> {
  const server = await startApnsServer();
  cleanups.push(() => server.close());
  return server;
}

function client(
  url: string,
  tls: { cert?: string; key?: string } = { cert: certs.pass.certPem, key: certs.pass.keyPem },
): ClientHttp2Session {
  const session = connect(url, tls);
  session.on('error', () => undefined);
  cleanups.push(() => void session.destroy());
  return session;
}

interface Answer {
  status: number;
  headers: Record<string, unknown>;
  body: string;
}

function request(session: ClientHttp2Session, headers: OutgoingHttpHeaders, body = '{}'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const stream = session.request(headers);
    let answer: Omit<Answer, 'body'> | null = null;
    const chunks: Buffer[] = [];
    stream.on('response', (received) => {
      answer = { status: Number(received[':status']), headers: { ...received } };
    });
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () =>
      answer ? resolve({ ...answer, body: Buffer.concat(chunks).toString('utf8') }) : reject(new Error('no response')),
    );
    stream.on('error', reject);
    stream.end(body);
  });
}

const token = () => randomBytes(32).toString('hex');
/** A push's headers; `topic: null` leaves `apns-topic` out. */
const push = (deviceToken: string, topic: string | null = TEST_PASS_TYPE_ID): OutgoingHttpHeaders => ({
  ':method': 'POST',
  ':path': `/3/device/${deviceToken}`,
  'content-type': 'application/json',
  ...(topic === null ? {} : { 'apns-topic': topic }),
});

describe('local APNs server', () => {
  it('refuses a client without a client certificate', async () => {
    const apns = await apnsServer();
    const session = client(apns.url, {});

    await expect(request(session, push(token()))).rejects.toThrow();
    expect(apns.sessions).toBe(0);
    expect(apns.requests).toHaveLength(0);
    expect(apns.refusedConnections).toBe(1);
  });

  it('refuses a client certificate the CA did not issue', async () => {
    const apns = await apnsServer();
    const foreignCa = makeCertificate({ subject: { commonName: 'Elsewhere CA' }, ca: true });
    const foreign = makeCertificate({ subject: { UID: TEST_PASS_TYPE_ID }, issuer: foreignCa, usage: ['clientAuth'] });
    const session = client(apns.url, { cert: foreign.certPem, key: foreign.keyPem });

    await expect(request(session, push(token()))).rejects.toThrow();
    expect(apns.requests).toHaveLength(0);
  });

  it('answers 200 with an apns-id and no body, and records the request', async () => {
    const apns = await apnsServer();
    const deviceToken = token();

    const answer = await request(client(apns.url), push(deviceToken));

    expect(answer.status).toBe(200);
    expect(answer.headers['apns-id']).toMatch(UUID);
    expect(answer.body).toBe('');
    expect(apns.requests).toMatchObject([{ token: deviceToken, topic: TEST_PASS_TYPE_ID, body: '{}', status: 200 }]);
    expect(apns.delivered(deviceToken)).toBe(1);
    expect(apns.sessions).toBe(1);
  });

  it('checks the protocol: method, path, token, topic, payload', async () => {
    const apns = await apnsServer();
    const session = client(apns.url);
    const reason = async (headers: OutgoingHttpHeaders, body?: string) => {
      const answer = await request(session, headers, body);
      return [answer.status, (JSON.parse(answer.body) as { reason: string }).reason];
    };

    expect(await reason({ ...push(token()), ':method': 'PUT' })).toEqual([405, 'MethodNotAllowed']);
    expect(await reason({ ...push(token()), ':path': '/3/devices/x' })).toEqual([404, 'BadPath']);
    expect(await reason(push('not-a-token'))).toEqual([400, 'BadDeviceToken']);
    expect(await reason(push(token(), null))).toEqual([400, 'MissingTopic']);
    expect(await reason(push(token(), 'pass.other'))).toEqual([400, 'TopicDisallowed']);
    expect(await reason(push(token()), '')).toEqual([400, 'PayloadEmpty']);
    expect(apns.deliveredCounts().size).toBe(0);
  });

  it('answers scripted faults with APNs reasons; 410 carries a timestamp', async () => {
    const apns = await apnsServer();
    const session = client(apns.url);
    const [gone, bad, flaky, any] = [token(), token(), token(), token()];
    apns.unregister(gone);
    apns.badToken(bad);
    apns.failNext(flaky, 500, 1);

    const unregistered = await request(session, push(gone));
    expect(unregistered.status).toBe(410);
    const body = JSON.parse(unregistered.body) as { reason: string; timestamp: number };
    expect(body.reason).toBe('Unregistered');
    expect(Math.abs(body.timestamp - Date.now())).toBeLessThan(60_000);

    expect((await request(session, push(bad))).body).toBe('{"reason":"BadDeviceToken"}');
    expect((await request(session, push(flaky))).body).toBe('{"reason":"InternalServerError"}');
    expect((await request(session, push(flaky))).status).toBe(200);

    apns.failNext('*', 429, 1);
    expect((await request(session, push(any))).body).toBe('{"reason":"TooManyRequests"}');
    expect((await request(session, push(any))).status).toBe(200);
  });
});
