import { describe, expect, it } from 'vitest';
import { generateApiKey, hashApiKey, secretsEqual } from './api-key';
import { newPassCredentials } from './pass-credentials';
import { hashPassword, verifyPassword } from './password';

describe('api keys', () => {
  it('generates sf_live_ keys with 32 hex characters, different each time', () => {
    const key = generateApiKey();
    expect(key).toMatch(/^sf_live_[0-9a-f]{32}$/);
    expect(generateApiKey()).not.toBe(key);
  });

  it('hashes a key to its sha256 hex digest', () => {
    expect(hashApiKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('compares secrets of any length', () => {
    expect(secretsEqual('same-secret', 'same-secret')).toBe(true);
    expect(secretsEqual('same-secret', 'other')).toBe(false);
  });
});

describe('passwords', () => {
  it('verifies the password it hashed and rejects another', async () => {
    const stored = await hashPassword('correct horse');
    expect(stored).toMatch(/^scrypt\$32768\$8\$3\$[0-9a-f]{32}\$[0-9a-f]{128}$/);
    expect(await verifyPassword('correct horse', stored)).toBe(true);
    expect(await verifyPassword('wrong horse', stored)).toBe(false);
  });

  it('salts each hash', async () => {
    expect(await hashPassword('same')).not.toBe(await hashPassword('same'));
  });

  it('rejects a malformed stored hash instead of throwing', async () => {
    expect(await verifyPassword('x', 'bcrypt$abc')).toBe(false);
  });
});

describe('pass credentials', () => {
  it('makes a uuid serial and a 32-hex token', () => {
    const pass = newPassCredentials();
    expect(pass.serial_number).toMatch(/^[0-9a-f-]{36}$/);
    expect(pass.authentication_token).toMatch(/^[0-9a-f]{32}$/);
  });
});
