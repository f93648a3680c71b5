import {
  decideLink,
  defaultAccountLinking,
  emailVerification,
  isAllowedDomain,
  LinkingSettings,
  linkingSettings,
  reservingIdps,
} from './account-linking';

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
  it('reads stored settings strictly: a missing or unknown accountLinking links nothing', () => {
    expect(linkingSettings({ config: {} }).accountLinking).toBe('none');
    expect(linkingSettings({ config: { accountLinking: 'yes' } }).accountLinking).toBe('none');
    expect(linkingSettings({ config: { accountLinking: 'unowned' } }).accountLinking).toBe('unowned');
    expect(
      linkingSettings({ config: { accountLinking: 'email', verifiedDomains: ['Example.COM', 3] } }),
    ).toEqual({ accountLinking: 'email', verifiedDomains: ['example.com'], allowedDomains: [] });
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
    const dev = { id: 'dev', config: { verifiedDomains: ['Acme.test'] } };
    const partner = { id: 'partner', config: { verifiedDomains: ['partner.test'] } };
    const idps = [dev, partner];
    expect(reservingIdps('ceo@acme.test', 'unknown', 'partner', idps)).toEqual([dev]);
    expect(reservingIdps('ceo@acme.test', 'unverified', 'partner', idps)).toEqual([dev]);
    expect(reservingIdps('ceo@acme.test', 'verified', 'partner', idps)).toEqual([]); // its own word
    expect(reservingIdps('ceo@sub.acme.test', 'unknown', 'partner', idps)).toEqual([]); // exact domains
    expect(reservingIdps('bob@partner.test', 'unknown', 'partner', idps)).toEqual([]);
    expect(reservingIdps('ceo@acme.test', 'unknown', 'dev', idps)).toEqual([]); // not itself
  });
});
