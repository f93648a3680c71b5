import { isValidEmail, normalizeEmail } from './email';

describe('normalizeEmail', () => {
  it('accepts ordinary addresses and returns them lower-cased, surrounding spaces trimmed', () => {
    expect(normalizeEmail('Ada.Lovelace+tag@Example.COM')).toBe('ada.lovelace+tag@example.com');
    expect(normalizeEmail('  ada@example.com ')).toBe('ada@example.com');
    expect(normalizeEmail("o'brien@sub.example.co.uk")).toBe("o'brien@sub.example.co.uk");
    // Domains in their ASCII (IDNA) form, the form domain rules compare.
    expect(normalizeEmail('juergen@bücher.example')).toBe('juergen@xn--bcher-kva.example');
    expect(normalizeEmail('ceo@ａcme.test')).toBe('ceo@acme.test'); // full-width IS acme.test
    expect(normalizeEmail('ceo@аcme.test')).toBe('ceo@xn--cme-5cd.test'); // Cyrillic а: another domain, shown as such
    expect(normalizeEmail('a@xn--bcher-kva.example')).toBe('a@xn--bcher-kva.example');
  });

  it.each([
    ['two @, the attack form', 'boss@acme.test@partner.test'],
    ['a newline before a second @', 'ceo@acme.test\n@partner.test'],
    ['spaces before a second @', 'ceo@acme.test  @PARTNER.TEST'],
    ['inner space', 'ceo @acme.test'],
    ['tab', 'ceo\t@acme.test'],
    ['trailing newline', 'ceo@acme.test\n'],
    ['NUL', 'ceo@acme.test\u0000'],
    ['zero-width space', 'ceo\u200b@acme.test'],
    ['no-break space', 'ceo@acme.test\u00a0'],
    ['bidi override', 'ceo@\u202etset.emca'],
    ['no @', 'ceo.acme.test'],
    ['empty local part', '@acme.test'],
    ['empty domain', 'ceo@'],
    ['single-label domain', 'ceo@localhost'],
    ['empty label', 'ceo@acme..test'],
    ['trailing dot', 'ceo@acme.test.'],
    ['label with a leading hyphen', 'ceo@-acme.test'],
    ['label too long', `ceo@${'a'.repeat(64)}.test`],
    ['local part too long', `${'a'.repeat(65)}@acme.test`],
    ['address too long', `a@${Array(5).fill('b'.repeat(60)).join('.')}.test`],
    ['quoted local part', '"ceo@acme.test"@partner.test'],
    ['angle brackets', 'CEO <ceo@acme.test>'],
    ['local part with dots at the edge', '.ceo@acme.test'],
    ['double dot in the local part', 'c..eo@acme.test'],
    ['a comma list', 'a@acme.test,b@partner.test'],
    ['IP literal', 'ceo@[127.0.0.1]'],
    ['a local part in another script (reads as the CEO)', 'сeo@acme.test'],
    ['a full-width dot in the domain', 'ceo@acme．test'],
    ['a zero-width space in the domain', 'ceo@ac\u200bme.test'],
    ['empty', ''],
  ])('refuses %s', (_why, raw) => {
    expect(normalizeEmail(raw)).toBeNull();
  });

  it('refuses what is not a string', () => {
    for (const v of [undefined, null, 3, ['a@b.c'], { value: 'a@b.c' }]) expect(isValidEmail(v)).toBe(false);
  });
});
