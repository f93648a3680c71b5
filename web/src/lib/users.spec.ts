import { adminText, externalSourceText, membershipSourceText } from './users';

describe('users page wording', () => {
  it('says where a membership comes from', () => {
    expect(membershipSourceText('manual')).toMatch(/^manual grant/);
    expect(membershipSourceText('sync')).toMatch(/^from sync via IdP groups/);
    expect(membershipSourceText('scim')).toMatch(/^from SCIM/);
  });
  it('says where an external group was sent and why someone is an admin', () => {
    expect(externalSourceText('claim')).toBe('in the sign-in claims');
    expect(externalSourceText('scim')).toBe('pushed by SCIM');
    expect(adminText({ isAdmin: false, adminSource: null })).toBe('No');
    expect(adminText({ isAdmin: true, adminSource: 'sync' })).toMatch(/admin group/);
  });
});
