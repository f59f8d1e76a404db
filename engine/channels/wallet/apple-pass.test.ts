/**
 * A real `.pkpass` signed with the suite's test certificates, taken apart with `unzip`
 * and verified with `openssl smime` exactly as a device checks it: the manifest lists the
 * SHA-1 of every file, and the detached PKCS #7 signature covers the manifest.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCertificate } from '../../wallet/x509';
import {
  testCertificates,
  testSigner,
  TEST_KEY_PASSPHRASE,
  TEST_PASS_TYPE_ID,
  TEST_TEAM_ID,
  type TestCertificates,
} from '../../../test/support/certs';
import { buildApplePass, lastModified, rgb } from './apple-pass';
import type { AppleSigner, PassContent } from './types';

let certs: TestCertificates;
let signer: AppleSigner;
let work: string;

beforeAll(() => {
  certs = testCertificates();
  signer = testSigner(certs);
  work = mkdtempSync(join(tmpdir(), 'stampflow-apple-pass-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const content: PassContent = {
  serialNumber: 'card-7f3a-customer-42',
  authenticationToken: 'tok_0123456789abcdef0123',
  webServiceUrl: 'https://stampflow.example.com/wallet/apple',
  organizationName: 'Bean There',
  cardName: 'Coffee Club',
  customerName: 'Ada Lovelace',
  stamps: 4,
  stampsRequired: 10,
  reward: 'a free flat white',
  barcode: 'cus_42',
  colors: { background: '#1A2B3C', foreground: '#ffffff', label: '#C0FFEE' },
  // The caller makes repeated texts differ with a trailing zero-width space: kept as is.
  message: 'Double stamps today!\u200b',
  voucher: null,
  updatedAt: new Date('2025-03-04T05:06:07.890Z'),
  pageUrl: 'https://stampflow.example.com/p/abc',
  messageHasMore: false,
  nearby: { locations: [], text: '6 more stamps to a free flat white', window: null },
};

/** Unzips the pass into a fresh directory and returns it. */
function unpack(pkpass: Buffer, name: string): string {
  const dir = join(work, name);
  const zip = join(work, `${name}.pkpass`);
  writeFileSync(zip, pkpass);
  execFileSync('unzip', ['-q', zip, '-d', dir]);
  return dir;
}

const sha1 = (data: Buffer): string => createHash('sha1').update(data).digest('hex');

/** Files whose SHA-1 differs from the manifest's (or that the manifest leaves out). */
function manifestMismatches(dir: string): string[] {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Record<string, string>;
  const files = readdirSync(dir).filter((name) => name !== 'manifest.json' && name !== 'signature');
  const bad = files.filter((name) => manifest[name] !== sha1(readFileSync(join(dir, name))));
  const extra = Object.keys(manifest).filter((name) => !files.includes(name));
  return [...bad, ...extra];
}

/** `openssl smime -verify` of the detached signature over manifest.json; its exit status. */
function verifySignature(dir: string, caPath: string): number | null {
  const result = spawnSync(
    'openssl',
    [
      'smime',
      '-verify',
      '-binary',
      '-inform',
      'DER',
      '-in',
      join(dir, 'signature'),
      '-content',
      join(dir, 'manifest.json'),
      '-CAfile',
      caPath,
      '-purpose',
      'any',
      '-out',
      '/dev/null',
    ],
    { encoding: 'utf8' },
  );
  return result.status;
}

interface Field {
  key: string;
  label?: string;
  value: string;
  changeMessage?: string;
}
interface PassJson {
  storeCard: Record<'headerFields' | 'primaryFields' | 'secondaryFields' | 'auxiliaryFields' | 'backFields', Field[]>;
  [key: string]: unknown;
}
const passJson = (dir: string): PassJson => JSON.parse(readFileSync(join(dir, 'pass.json'), 'utf8')) as PassJson;
const field = (fields: Field[], key: string): Field | undefined => fields.find((f) => f.key === key);

describe('buildApplePass', () => {
  it('makes a zip whose manifest lists the SHA-1 of every file, signed over the manifest', async () => {
    const dir = unpack(await buildApplePass(content, signer), 'signed');
    const names = readdirSync(dir).sort();
    expect(names).toEqual(
      expect.arrayContaining(['icon.png', 'icon@2x.png', 'icon@3x.png', 'logo.png', 'logo@2x.png', 'strip.png', 'strip@2x.png', 'strip@3x.png', 'manifest.json', 'pass.json', 'signature']),
    );
    expect(manifestMismatches(dir)).toEqual([]);
    expect(verifySignature(dir, certs.caPath)).toBe(0);
  });

  it('fails verification once a file is changed, or against another CA', async () => {
    const dir = unpack(await buildApplePass(content, signer), 'tampered');
    const otherCa = join(work, 'other-ca.pem');
    writeFileSync(otherCa, makeCertificate({ subject: { commonName: 'Another CA' }, ca: true }).certPem);
    expect(verifySignature(dir, otherCa)).not.toBe(0);

    // One byte of pass.json: the manifest no longer matches it…
    const pass = readFileSync(join(dir, 'pass.json'));
    pass[pass.indexOf('4 of 10')] = '9'.charCodeAt(0);
    writeFileSync(join(dir, 'pass.json'), pass);
    expect(manifestMismatches(dir)).toEqual(['pass.json']);
    // …and a manifest updated to match is no longer the one that was signed.
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Record<string, string>;
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, 'pass.json': sha1(pass) }));
    expect(manifestMismatches(dir)).toEqual([]);
    expect(verifySignature(dir, certs.caPath)).not.toBe(0);
  });

  it('writes a store card with the web service, identifiers, barcode and colours', async () => {
    const json = passJson(unpack(await buildApplePass(content, signer), 'fields'));
    expect(json).toMatchObject({
      formatVersion: 1,
      passTypeIdentifier: TEST_PASS_TYPE_ID,
      teamIdentifier: TEST_TEAM_ID,
      serialNumber: content.serialNumber,
      authenticationToken: content.authenticationToken,
      webServiceURL: content.webServiceUrl,
      organizationName: 'Bean There',
      description: 'Coffee Club stamp card',
      logoText: 'Bean There',
      backgroundColor: 'rgb(26, 43, 60)',
      foregroundColor: 'rgb(255, 255, 255)',
      labelColor: 'rgb(192, 255, 238)',
      barcodes: [{ format: 'PKBarcodeFormatQR', message: 'cus_42', messageEncoding: 'iso-8859-1', altText: 'CUS_42' }],
    });
    expect((json.authenticationToken as string).length).toBeGreaterThanOrEqual(16);
    const card = json.storeCard;
    expect(field(card.headerFields, 'stamps')?.value).toBe('4 of 10');
    expect(field(card.secondaryFields, 'reward')?.value).toBe('a free flat white');
    expect(card.secondaryFields.map((f) => f.value)).toContain('Ada Lovelace');
    expect(field(card.backFields, 'stamps-info')?.value).toBe('6 more stamps until a free flat white.');
  });

  it('puts the message in a back field with changeMessage, value kept exactly', async () => {
    const json = passJson(unpack(await buildApplePass(content, signer), 'message'));
    const message = field(json.storeCard.backFields, 'message');
    expect(message).toMatchObject({ label: 'Latest message', value: 'Double stamps today!\u200b' });
    expect(message?.changeMessage).toContain('%@');

    const none = passJson(unpack(await buildApplePass({ ...content, message: null }, signer), 'no-message'));
    expect(field(none.storeCard.backFields, 'message')).toMatchObject({ value: '', changeMessage: '%@' });
  });

  it('shows the voucher only when there is one', async () => {
    const withVoucher = {
      ...content,
      stamps: 10,
      voucher: { code: 'FLAT-7Q2', title: 'Free flat white', expiresOn: '2025-04-30' },
    };
    const json = passJson(unpack(await buildApplePass(withVoucher, signer), 'voucher'));
    expect(field(json.storeCard.auxiliaryFields, 'voucher-code')).toMatchObject({
      label: 'Free flat white',
      value: 'FLAT-7Q2',
    });
    const back = field(json.storeCard.backFields, 'voucher')?.value;
    expect(back).toContain('FLAT-7Q2');
    expect(back).toContain('Free flat white');
    expect(back).toContain('2025-04-30');
    expect(field(json.storeCard.backFields, 'stamps-info')?.value).toMatch(/earned a free flat white/);

    const without = passJson(unpack(await buildApplePass(content, signer), 'no-voucher'));
    expect(without.storeCard.auxiliaryFields).toEqual([]);
    expect(field(without.storeCard.backFields, 'voucher')).toBeUndefined();
  });

  it('signs with a passphrase-encrypted key', async () => {
    const encrypted = {
      ...signer,
      keyPem: readFileSync(certs.passKeyEncryptedPath, 'utf8'),
      keyPassphrase: TEST_KEY_PASSPHRASE,
    };
    const dir = unpack(await buildApplePass(content, encrypted), 'encrypted');
    expect(manifestMismatches(dir)).toEqual([]);
    expect(verifySignature(dir, certs.caPath)).toBe(0);
  });

  it('rejects a colour that is not #RRGGBB before signing anything', async () => {
    await expect(
      buildApplePass({ ...content, colors: { ...content.colors, background: 'blue' } }, signer),
    ).rejects.toThrow(/#RRGGBB.*"blue"/);
    expect(rgb('#000000')).toBe('rgb(0, 0, 0)');
  });
});

describe('nearby', () => {
  const shops = Array.from({ length: 10 }, (_, i) => ({ latitude: 52.5 + i / 100, longitude: 13.4 - i / 100 }));

  it('carries every shop with the nearby text, and the signature still verifies', async () => {
    const nearby = { locations: shops, text: 'Free coffee waiting ☕', window: null };
    const dir = unpack(await buildApplePass({ ...content, nearby }, signer), 'nearby');
    const json = passJson(dir);
    expect(json.locations).toEqual(shops.map((s) => ({ ...s, relevantText: 'Free coffee waiting ☕' })));
    expect(json.relevantDate).toBeUndefined();
    expect(json.relevantDates).toBeUndefined();
    expect(manifestMismatches(dir)).toEqual([]);
    expect(verifySignature(dir, certs.caPath)).toBe(0);
  });

  it('writes a dated offer as relevantDate (before iOS 18) and relevantDates (iOS 18)', async () => {
    const window = { start: new Date('2026-06-03T13:00:00Z'), end: new Date('2026-06-03T15:00:00Z') };
    const nearby = { locations: shops.slice(0, 2), text: 'Happy hour now', window };
    const json = passJson(unpack(await buildApplePass({ ...content, nearby }, signer), 'dated'));
    expect(json.relevantDate).toBe('2026-06-03T13:00:00.000Z');
    expect(json.relevantDates).toEqual([{ startDate: '2026-06-03T13:00:00.000Z', endDate: '2026-06-03T15:00:00.000Z' }]);
  });

  it('links the card page from the back, and says so on the lock screen when there is more', async () => {
    const json = passJson(unpack(await buildApplePass({ ...content, messageHasMore: true }, signer), 'more'));
    expect(field(json.storeCard.backFields, 'more')).toMatchObject({
      label: 'More from Bean There',
      value: 'https://stampflow.example.com/p/abc',
    });
    expect(field(json.storeCard.backFields, 'message')?.changeMessage).toBe('%@ · more on the back of your card');
  });
});

describe('lastModified', () => {
  it('is updatedAt in whole seconds, as HTTP dates are', () => {
    expect(lastModified(content).toISOString()).toBe('2025-03-04T05:06:07.000Z');
    expect(lastModified(content).toUTCString()).toBe('Tue, 04 Mar 2025 05:06:07 GMT');
  });
});
