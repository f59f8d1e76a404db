import { describe, expect, it } from 'vitest';
import { PLACEHOLDERS, countGraphemes, findPlaceholders, isPlaceholder, unknownPlaceholders } from './text';

describe('countGraphemes', () => {
  it('counts characters as a person does', () => {
    expect(countGraphemes("Coffee's waiting ☕")).toBe(18);
    expect(countGraphemes('')).toBe(0);
  });

  it('counts an emoji family, a flag and a skin-toned emoji as one each', () => {
    expect(countGraphemes('👨‍👩‍👧‍👦')).toBe(1);
    expect(countGraphemes('🇫🇷')).toBe(1);
    expect(countGraphemes('👍🏽')).toBe(1);
  });

  it('counts an accent written as a combining mark as one character', () => {
    expect(countGraphemes('cafe\u0301')).toBe(4);
  });

  it('counts a Windows line break as one character', () => {
    expect(countGraphemes('a\r\nb')).toBe(3);
  });

  it('counts whitespace as given, without trimming', () => {
    expect(countGraphemes('  hi  ')).toBe(6);
  });
});

describe('findPlaceholders', () => {
  it('finds placeholders with and without whitespace inside the braces', () => {
    const text = 'Hi {{customer.name}}, {{ stampsLeft }} to go';
    expect(findPlaceholders(text)).toEqual([
      { name: 'customer.name', known: true, start: 3, end: 20 },
      { name: 'stampsLeft', known: true, start: 22, end: 38 },
    ]);
  });

  it('marks names outside the vocabulary as unknown', () => {
    expect(findPlaceholders('{{ customer.firstName }}')).toEqual([
      { name: 'customer.firstName', known: false, start: 0, end: 24 },
    ]);
  });

  it('lists each unknown placeholder once, in order of first use', () => {
    expect(unknownPlaceholders('{{a}} {{card.name}} {{ b }} {{a}}')).toEqual(['a', 'b']);
  });

  it('ignores single braces and unterminated placeholders', () => {
    expect(findPlaceholders('{customer.name} {{card.name')).toEqual([]);
  });

  it('finds what the former regular expression found, on every short mix of braces, spaces and names', () => {
    // The pattern the scanner replaced (it backtracked catastrophically), kept as the oracle
    // on inputs short enough for it to be quick.
    const oracle = (text: string) =>
      [...text.matchAll(/\{\{\s*([^{}]*?)\s*\}\}/g)].map((m) => ({ name: m[1] ?? '', start: m.index, end: m.index + m[0].length }));
    const alphabet = ['{', '}', ' ', 'a', '\n'];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let n = 0; n < 5_000; n++) {
      const text = Array.from({ length: next() % 12 }, () => alphabet[next() % alphabet.length]).join('');
      const found = findPlaceholders(text).map(({ name, start, end }) => ({ name, start, end }));
      expect(found, JSON.stringify(text)).toEqual(oracle(text));
    }
  });

  it('knows exactly the five placeholders the renderer fills', () => {
    expect([...PLACEHOLDERS].sort()).toEqual(['card.name', 'customer.name', 'stampsLeft', 'voucher.code', 'voucher.expiresOn']);
    expect(isPlaceholder('voucher.code')).toBe(true);
    expect(isPlaceholder('toString')).toBe(false);
  });
});
