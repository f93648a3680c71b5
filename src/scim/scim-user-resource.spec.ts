import { normalizeUserResource } from './scim-user-resource';

describe('normalizeUserResource (POST, PUT and the result of a PATCH)', () => {
  const base = { userName: 'ada@example.com' };

  it('keeps core attributes (any case) and extension URNs, drops everything else', () => {
    const { resource } = normalizeUserResource({
      ...base,
      NickName: 'ada',
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: 'R&D' },
      'urn:example:custom:1.0:User': { badge: 7 },
      0: 1,
      1: 2,
      hasOwnProperty: 'x',
      toString: 'y',
    });
    expect(Object.keys(resource).sort()).toEqual(
      [
        'active',
        'nickName',
        'urn:example:custom:1.0:User',
        'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
        'userName',
      ].sort(),
    );
  });

  it('refuses two primary emails (RFC 7643 2.4)', () => {
    expect(() =>
      normalizeUserResource({
        ...base,
        emails: [
          { value: 'a@example.com', primary: true },
          { value: 'b@example.com', primary: true },
        ],
      }),
    ).toThrow(/at most one email may be primary/);
  });

  it('takes the primary email, else the work one, else the first', () => {
    const email = (emails: object[]) => normalizeUserResource({ ...base, emails }).email;
    expect(email([{ value: 'a@x.io' }, { value: 'B@x.io', primary: true }])).toBe('b@x.io');
    expect(
      email([
        { value: 'a@x.io', type: 'home' },
        { value: 'w@x.io', type: 'work' },
      ]),
    ).toBe('w@x.io');
    expect(email([{ value: 'a@x.io' }, { value: 'c@x.io' }])).toBe('a@x.io');
  });
});
