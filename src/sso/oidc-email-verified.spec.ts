import { emailVerifiedOf } from './oidc-sign-in.service';

describe('emailVerifiedOf (may verifiedDomains vouch for this OIDC email?)', () => {
  const of = (value: unknown) =>
    emailVerifiedOf('email', { email: 'a@acme.test', email_verified: value }, null);

  it.each([true, 'true', 'True', ' TRUE '])('%j is verified', (value) => {
    expect(of(value)).toBe(true);
  });

  it.each([false, 'false', 'False', 0, 1, '', 'no', 'yes', [false], {}])(
    '%j said anything else: a final no',
    (value) => {
      expect(of(value)).toBe(false);
    },
  );

  it('absent is "not said": verifiedDomains may vouch', () => {
    expect(of(undefined)).toBeNull();
    expect(emailVerifiedOf('email', { email: 'a@acme.test' }, null)).toBeNull();
  });

  it('speaks only of the standard email claim, in the token that carried it', () => {
    expect(emailVerifiedOf('preferred_username', { email_verified: true }, null)).toBeNull();
    expect(emailVerifiedOf('email', { sub: 'x' }, { email: 'a@acme.test', email_verified: 'False' })).toBe(
      false,
    );
  });
});
