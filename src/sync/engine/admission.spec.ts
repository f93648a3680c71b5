import {
  admissionNeeds,
  decideLink,
  defaultAccountLinking,
  emailVerification,
  isAllowedDomain,
  type KnownFacts,
  type LinkingSettings,
  linkingSettingsOf,
  reservingIdps,
  signInRefusal,
} from './admission';

const settings = (over: Partial<LinkingSettings> = {}): LinkingSettings => ({
  accountLinking: 'email',
  verifiedDomains: [],
  allowedDomains: [],
  ...over,
});
const nobody = { thisIdp: false, otherIdpIds: [] };
const otherIdp = { thisIdp: false, otherIdpIds: ['x'] };
const thisIdp = { thisIdp: true, otherIdpIds: ['x'] };

describe('account linking', () => {
  it('reads the settings as they apply: a missing accountLinking links nothing, domains lower-cased', () => {
    expect(linkingSettingsOf({})).toEqual({
      accountLinking: 'none',
      verifiedDomains: [],
      allowedDomains: [],
    });
    expect(linkingSettingsOf({ accountLinking: 'unowned' }).accountLinking).toBe('unowned');
    expect(
      linkingSettingsOf({
        accountLinking: 'email',
        verifiedDomains: ['Example.COM'],
        allowedDomains: ['A.test'],
      }),
    ).toEqual({ accountLinking: 'email', verifiedDomains: ['example.com'], allowedDomains: ['a.test'] });
  });

  it('defaults: the first IdP of a tenant links, later ones do not', () => {
    expect(defaultAccountLinking(0)).toBe('unowned');
    expect(defaultAccountLinking(1)).toBe('none');
  });

  it('email_verified: true verifies; false never does, whatever the domain list; else the domain list decides', () => {
    const vouched = settings({ verifiedDomains: ['example.com'] });
    expect(emailVerification('a@other.example', true, settings())).toBe('verified');
    expect(emailVerification('a@example.com', false, vouched)).toBe('unverified');
    expect(emailVerification('a@example.com', null, vouched)).toBe('verified');
    expect(emailVerification('a@sub.example.com', null, vouched)).toBe('unknown'); // exact domains only
    expect(emailVerification('a@example.com', undefined, settings())).toBe('unknown');
  });

  it('allowedDomains: empty allows any domain, else exact domains', () => {
    expect(isAllowedDomain('a@x.example', settings())).toBe(true);
    expect(isAllowedDomain('a@example.com', settings({ allowedDomains: ['example.com'] }))).toBe(true);
    expect(isAllowedDomain('a@evil-example.com', settings({ allowedDomains: ['example.com'] }))).toBe(false);
  });

  it("another IdP's user or an unheld user: only with linking allowed and a verified email", () => {
    for (const owners of [nobody, otherIdp]) {
      expect(decideLink('Y', settings({ accountLinking: 'none' }), 'verified', owners)).toEqual(
        expect.objectContaining({ allowed: false, code: 'account_linking_off' }),
      );
      expect(decideLink('Y', settings(), 'unknown', owners)).toEqual(
        expect.objectContaining({ allowed: false, code: 'email_not_verified' }),
      );
      expect(decideLink('Y', settings(), 'unverified', owners)).toEqual(
        expect.objectContaining({ allowed: false, code: 'email_not_verified' }),
      );
      expect(decideLink('Y', settings(), 'verified', owners)).toEqual({ allowed: true, why: 'linking' });
    }
  });

  it("`unowned` (the first IdP's default) reaches users no IdP holds, never another IdP's users", () => {
    const unowned = settings({ accountLinking: 'unowned' });
    expect(decideLink('X', unowned, 'verified', nobody)).toEqual({ allowed: true, why: 'linking' });
    expect(decideLink('X', unowned, 'unknown', nobody)).toEqual(
      expect.objectContaining({ allowed: false, code: 'email_not_verified' }),
    );
    expect(decideLink('X', unowned, 'verified', otherIdp)).toEqual(
      expect.objectContaining({ allowed: false, code: 'account_linking_off' }),
    );
    expect(decideLink('X', unowned, 'unknown', thisIdp)).toEqual({ allowed: true, why: 'same-idp' });
  });

  it('a user this IdP already holds: linked without the setting, unless the IdP says the email is unverified', () => {
    expect(decideLink('Y', settings({ accountLinking: 'none' }), 'unknown', thisIdp)).toEqual({
      allowed: true,
      why: 'same-idp',
    });
    expect(decideLink('Y', settings({ accountLinking: 'none' }), 'unverified', thisIdp)).toEqual(
      expect.objectContaining({ allowed: false, code: 'email_not_verified' }),
    );
  });

  it('an unverified email is refused with the reason for the admin: what the IdP said, or did not', () => {
    const said = decideLink('Y', settings(), 'unverified', nobody);
    const silent = decideLink('Y', settings(), 'unknown', nobody);
    expect(said.allowed === false && [said.reason, said.detail]).toEqual([
      'an account with this email already exists in this workspace and Y did not confirm that this email address is yours; ask your administrator to check how Y verifies emails',
      'the identity provider said email_verified: false',
    ]);
    expect(silent.allowed === false && silent.detail).toBe(
      'no email_verified: true, and the email domain is not in verifiedDomains',
    );
  });

  it('refusals say why in words, naming the IdP; advice to allow linking only for a user no IdP holds', () => {
    const unowned = decideLink('Partner IdP', settings({ accountLinking: 'none' }), 'verified', nobody);
    expect(unowned.allowed === false && unowned.reason).toBe(
      'an account with this email already exists in this workspace and Partner IdP is not allowed to sign in to it; ask your administrator to allow account linking for Partner IdP',
    );
    // another IdP may have planted that account without verifying the address: no advice to open it
    const held = decideLink('Partner IdP', settings({ accountLinking: 'unowned' }), 'verified', otherIdp);
    expect(held.allowed === false && held.reason).toBe(
      'an account with this email already exists in this workspace and Partner IdP is not allowed to sign in to it; ask your administrator',
    );
  });

  it("an IdP may not create users in another IdP's verified domain unless it verifies the email itself", () => {
    const dev = { id: 'dev', slug: 'dev', verifiedDomains: ['acme.test'] };
    const other = { id: 'other', slug: 'other', verifiedDomains: ['other.test'] };
    const othersOfPartner = [dev, other];
    expect(reservingIdps('ceo@acme.test', 'unknown', othersOfPartner)).toEqual([dev]);
    expect(reservingIdps('CEO@Acme.TEST', 'unverified', othersOfPartner)).toEqual([dev]);
    expect(reservingIdps('ceo@acme.test', 'verified', othersOfPartner)).toEqual([]); // its own word
    expect(reservingIdps('ceo@sub.acme.test', 'unknown', othersOfPartner)).toEqual([]); // exact domains
    expect(reservingIdps('bob@partner.test', 'unknown', othersOfPartner)).toEqual([]);
  });

  describe('sign-in admission', () => {
    const facts = (over: Partial<KnownFacts> = {}): KnownFacts => ({
      idpName: 'Partner',
      settings: settings({ accountLinking: 'unowned' }),
      email: 'ann@acme.test',
      account: { email: 'ann@acme.test', status: 'active' },
      linking: false,
      verification: 'unknown',
      ...over,
    });
    const acmeOnly = settings({ accountLinking: 'email', allowedDomains: ['acme.test'] });
    const dev = { id: 'dev', slug: 'dev', verifiedDomains: ['acme.test'] };

    it('admits a returning user of an allowed domain without reading anything more', () => {
      expect(admissionNeeds(facts())).toEqual({ otherIdps: false, owners: false });
      expect(signInRefusal(facts())).toBeNull();
    });

    it('refuses an email outside allowedDomains, with the same words whether or not the account exists', () => {
      const known = signInRefusal(facts({ settings: acmeOnly, email: 'ann@evil.test' }));
      const unknown = signInRefusal({
        ...facts({ settings: acmeOnly, email: 'ann@evil.test', account: null, linking: true }),
        otherIdps: [],
      });
      expect(known).toEqual({
        against: 'account',
        reason:
          'accounts from evil.test cannot sign in to this workspace through Partner; ask your administrator',
        details: { code: 'domain_not_allowed', allowedDomains: ['acme.test'] },
      });
      expect(unknown).toEqual({
        against: 'signup',
        reason:
          'accounts from evil.test cannot sign up to this workspace; ask your administrator to create your account',
        details: { allowedDomains: ['acme.test'] },
      });
      // a person this IdP does not know yet, found by nobody: the sign-in words, nothing about accounts
      expect(signInRefusal(facts({ settings: acmeOnly, email: 'ann@evil.test', account: null }))).toEqual(
        expect.objectContaining({
          against: 'signup',
          reason:
            'accounts from evil.test cannot sign in to this workspace through Partner; ask your administrator',
        }),
      );
      // a refused domain needs no further facts
      expect(admissionNeeds(facts({ settings: acmeOnly, email: 'a@evil.test', account: null }))).toEqual({
        otherIdps: false,
        owners: false,
      });
    });

    it("refuses an allowed email landing in an account outside allowedDomains (the subject's own account)", () => {
      const refusal = signInRefusal(
        facts({ settings: acmeOnly, account: { email: 'ann@old.test', status: 'active' } }),
      );
      expect(refusal).toEqual({
        against: 'account',
        reason: 'your account in this workspace cannot sign in through Partner; ask your administrator',
        details: { code: 'domain_not_allowed', accountEmail: 'ann@old.test', allowedDomains: ['acme.test'] },
      });
      // an account the email was found by has that email: the rule reads the email sent
      const linking = facts({ settings: acmeOnly, linking: true, verification: 'verified' });
      expect(signInRefusal({ ...linking, owners: nobody })).toBeNull();
    });

    it("a new user in another IdP's verified domain is refused unless this IdP verifies the email", () => {
      const newUser = facts({ account: null, linking: true });
      expect(admissionNeeds(newUser)).toEqual({ otherIdps: true, owners: false });
      expect(signInRefusal({ ...newUser, otherIdps: [dev] })).toEqual({
        against: 'signup',
        reason:
          'the email domain acme.test belongs to another sign-in method of this workspace; ask your administrator',
        details: { code: 'email_domain_reserved', emailVerification: 'unknown', verifiedBy: ['dev'] },
      });
      expect(signInRefusal({ ...newUser, verification: 'verified', otherIdps: [dev] })).toBeNull();
      expect(signInRefusal({ ...newUser, otherIdps: [] })).toBeNull();
    });

    it('an existing user found by email is linked only as the linking rules allow', () => {
      const byEmail = facts({ linking: true, verification: 'verified' });
      expect(admissionNeeds(byEmail)).toEqual({ otherIdps: false, owners: true });
      expect(signInRefusal({ ...byEmail, owners: nobody })).toBeNull();
      expect(signInRefusal({ ...byEmail, owners: otherIdp })).toEqual({
        against: 'account',
        reason: expect.stringContaining('Partner is not allowed to sign in to it') as string,
        details: {
          code: 'account_linking_off',
          detail: 'accountLinking is "unowned"; 1 other identity provider(s) hold the user',
          accountLinking: 'unowned',
          emailVerification: 'verified',
          otherIdpIds: ['x'],
        },
      });
    });

    it('a blocked user is refused, after every other rule, and only then', () => {
      const blocked = facts({ account: { email: 'ann@acme.test', status: 'blocked' } });
      expect(signInRefusal(blocked)).toEqual({
        against: 'blocked',
        reason: 'your account is blocked in this workspace',
        details: {},
      });
      // a domain refusal speaks first
      expect(signInRefusal({ ...blocked, settings: acmeOnly, email: 'ann@evil.test' })?.against).toBe(
        'account',
      );
      // a link refusal too, and a linked blocked user is still blocked
      const linking = { ...blocked, linking: true, verification: 'verified' as const };
      expect(signInRefusal({ ...linking, owners: otherIdp })?.details.code).toBe('account_linking_off');
      expect(signInRefusal({ ...linking, owners: nobody })?.against).toBe('blocked');
    });

    it('asking without the facts admissionNeeds named is a programming error, not an admission', () => {
      expect(() => signInRefusal(facts({ account: null }))).toThrow('signInRefusal needs otherIdps');
      expect(() => signInRefusal(facts({ linking: true }))).toThrow('signInRefusal needs owners');
    });
  });
});
