import { normalizeUserResource } from './scim-user-resource';

describe('normalizeUserResource (POST, PUT and the result of a PATCH)', () => {
  const base = { userName: 'ada@example.com' };

  it('keeps core attributes (any case) and extension URNs, drops everything else', () => {
    const { resource } = normalizeUserResource({
      ...base,
      NickName: 'ada',
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: 'R&D' },
      'urn:ietf:params:scim:schemas:extension:custom:2.0:User': { badge: 7 },
      'urn:example:other': { x: 1 },
      0: 1,
      1: 2,
      hasOwnProperty: 'x',
      toString: 'y',
    });
    expect(Object.keys(resource).sort()).toEqual(
      [
        'active',
        'nickName',
        'urn:ietf:params:scim:schemas:extension:custom:2.0:User',
        'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
        'userName',
      ].sort(),
    );
  });

  it('reads fully qualified core names as the core attribute, and drops URNs that are not extensions', () => {
    const core = 'urn:ietf:params:scim:schemas:core:2.0:User';
    const user = normalizeUserResource({
      userName: 'ada',
      [core]: { emails: [{ value: 'ada@example.com', primary: true }] },
      [`${core}:displayName`]: 'Ada',
      'urn:evil:x': { a: 1 },
    });
    expect(user.email).toBe('ada@example.com');
    expect(user.displayName).toBe('Ada');
    expect(Object.keys(user.resource).sort()).toEqual(['active', 'displayName', 'emails', 'userName']);
    // So they meet the same checks as the plain names.
    expect(() =>
      normalizeUserResource({
        userName: 'ada@example.com',
        [`${core}:emails`]: [
          { value: 'a@example.com', primary: true },
          { value: 'b@example.com', primary: true },
        ],
      }),
    ).toThrow(/at most one email may be primary/);
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
