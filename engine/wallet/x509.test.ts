/**
 * Certificates this toolkit makes must parse in OpenSSL (Node's `X509Certificate`) every
 * time: the development signer is made on a fresh start, and a certificate OpenSSL refuses
 * stops Stampflow from starting.
 */
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { expect, it } from 'vitest';
import { serialNumber } from './x509';

it('makes serials that OpenSSL accepts, every time (2,000 certificates)', () => {
  // One small key for all (making and signing with a key is the slow part); only the serial changes.
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 512 });
  const key = forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  const refused: string[] = [];
  for (let i = 0; i < 2_000; i++) {
    const cert = forge.pki.createCertificate();
    cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
    cert.serialNumber = serialNumber();
    cert.validity.notBefore = new Date();
    cert.validity.notAfter = new Date(Date.now() + 86_400_000);
    cert.setSubject([{ shortName: 'CN', value: 'serial test' }]);
    cert.setIssuer([{ shortName: 'CN', value: 'serial test' }]);
    cert.sign(key, forge.md.sha256.create());
    try {
      new X509Certificate(forge.pki.certificateToPem(cert));
    } catch (err) {
      refused.push(`${cert.serialNumber}: ${(err as Error).message}`);
    }
  }
  expect(refused).toEqual([]);
});
