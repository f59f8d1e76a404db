import { describe, expect, it } from 'vitest';
import { signUnsubscribe, verifyUnsubscribe } from './unsubscribe-token';

const subject = { merchantId: '1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed', customerId: '6ec0bd7f-11c0-43da-975e-2a8ad9ebae0b' };

describe('unsubscribe tokens', () => {
  it('verify for the customer and merchant they were made for', () => {
    const token = signUnsubscribe('secret-1', subject);
    expect(verifyUnsubscribe('secret-1', token)).toEqual(subject);
  });

  it('refuse any altered character, another secret, and swapped ids', () => {
    const token = signUnsubscribe('secret-1', subject);
    for (let i = 0; i < token.length; i++) {
      if (token[i] === '.') continue;
      for (const c of ['0', 'a', 'A', 'B', '_']) {
        if (token[i] === c) continue;
        const altered = token.slice(0, i) + c + token.slice(i + 1);
        expect(verifyUnsubscribe('secret-1', altered), altered).toBeNull();
      }
    }
    expect(verifyUnsubscribe('secret-2', token)).toBeNull();
    const [customer, merchant, mac] = token.split('.');
    expect(verifyUnsubscribe('secret-1', `${merchant}.${customer}.${mac}`)).toBeNull();
  });
});
