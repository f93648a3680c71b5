import { hasOverageMarker, normalizeClaims, normalizeGroupName, parseDnCommonName } from './normalize';
import { resolvePolicy } from './policy';
import type { GroupSyncPolicy } from './types';

const ENTRA_GROUPS_CLAIM = 'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups';

function normalize(
  attributes: Record<string, unknown>,
  policy: Partial<GroupSyncPolicy> = {},
  overage?: boolean,
) {
  return normalizeClaims({ attributes, overage }, resolvePolicy(policy));
}

describe('normalizeClaims', () => {
  it('reads only claims the IdP sent: an inherited property is not a claim', () => {
    const attributes = Object.create({ groups: ['Admins'] }) as Record<string, unknown>;
    expect(normalizeClaims({ attributes }, resolvePolicy())).toEqual({
      groups: [],
      status: 'missing',
      complete: false,
    });
  });

  it('reads every value of the groups claim as one group, trimmed, in first-seen order', () => {
    const result = normalize({ groups: [' Developers ', 'Product Managers', 'Developers'] });
    expect(result).toEqual({ groups: ['Developers', 'Product Managers'], status: 'present', complete: true });
  });

  it('accepts a single string value', () => {
    expect(normalize({ groups: 'Developers' }).groups).toEqual(['Developers']);
  });

  it('drops empty values and non-string items', () => {
    expect(normalize({ groups: ['', '   ', 42, null, { id: 'x' }, 'Ops'] }).groups).toEqual(['Ops']);
  });

  it('is case-sensitive by default: "Dev", "dev" and " dev " are two groups', () => {
    expect(normalize({ groups: ['Dev', 'dev', ' dev '] }).groups).toEqual(['Dev', 'dev']);
  });

  it('folds case when caseSensitive is false: "Dev", "dev" and " dev " are one group', () => {
    expect(normalize({ groups: ['Dev', 'dev', ' dev '] }, { caseSensitive: false }).groups).toEqual(['dev']);
  });

  it('splits values on the delimiter when one is set', () => {
    expect(normalize({ groups: ['a;b; c', 'd'] }, { delimiter: ';' }).groups).toEqual(['a', 'b', 'c', 'd']);
    expect(normalize({ groups: ['a;b'] }).groups).toEqual(['a;b']);
    expect(normalize({ groups: ['a;b'] }, { delimiter: '' }).groups).toEqual(['a;b']);
  });

  it('reads several claim names, e.g. the Entra ID groups URI next to "groups"', () => {
    const result = normalize(
      { groups: ['Dev'], [ENTRA_GROUPS_CLAIM]: ['Ops', 'Dev'], other: ['Ignored'] },
      { claims: ['groups', ENTRA_GROUPS_CLAIM] },
    );
    expect(result).toEqual({ groups: ['Dev', 'Ops'], status: 'present', complete: true });
  });

  it('does not read the Entra URI unless the policy names it (GitLab accepts only "groups")', () => {
    expect(normalize({ [ENTRA_GROUPS_CLAIM]: ['Ops'] }).status).toBe('missing');
  });

  it('keeps Entra object ids exactly as sent (they are not DNs)', () => {
    const objectId = '3f2a6c1e-8b4d-4e7a-9c0f-1a2b3c4d5e6f';
    const result = normalize({ groups: [objectId] }, { dnCommonName: true, caseSensitive: true });
    expect(result.groups).toEqual([objectId]);
  });

  it('takes the first CN of a DN when dnCommonName is on', () => {
    const result = normalize(
      {
        groups: [
          'CN=test, OU=unit, DC=mycomp',
          'CN=Smith\\, John,OU=x',
          'cn=R\\C3\\A9seau\\2C Ops,dc=x',
          'Plain',
        ],
      },
      { dnCommonName: true },
    );
    expect(result.groups).toEqual(['test', 'Smith, John', 'Réseau, Ops', 'Plain']);
  });

  it('keeps a plain name that starts with "CN " whole, e.g. "CN Admins"', () => {
    expect(normalize({ groups: ['CN Admins', 'cn admins'] }, { dnCommonName: true }).groups).toEqual([
      'CN Admins',
      'cn admins',
    ]);
  });

  it('keeps DNs whole when dnCommonName is off', () => {
    expect(normalize({ groups: ['CN=test,OU=unit'] }).groups).toEqual(['CN=test,OU=unit']);
  });

  describe('claim status and completeness', () => {
    it('present: the claim is there, even empty, and the list is complete', () => {
      expect(normalize({ groups: [] })).toEqual({ groups: [], status: 'present', complete: true });
    });

    it('missing under missingClaim "keep" (default): unknown, so incomplete', () => {
      expect(normalize({ email: 'a@b.c' })).toEqual({ groups: [], status: 'missing', complete: false });
    });

    it('missing under missingClaim "empty": the user is in no group, complete', () => {
      expect(normalize({}, { missingClaim: 'empty' })).toEqual({
        groups: [],
        status: 'missing',
        complete: true,
      });
    });

    it('a claim that cannot be read counts as missing, not as "no groups"', () => {
      expect(normalize({ groups: 5 }).status).toBe('missing');
      expect(normalize({ groups: [{ id: 'x' }] }).status).toBe('missing');
      expect(normalize({ groups: null }).status).toBe('missing');
      expect(normalize({ groups: undefined }).status).toBe('missing');
    });

    it('does not take inherited object keys for claims', () => {
      expect(normalize({}, { claims: ['constructor', 'toString'] }).status).toBe('missing');
    });

    it('overage: incomplete whatever the policy says about missing claims, groups still read', () => {
      expect(normalize({ groups: ['Dev'] }, { missingClaim: 'empty' }, true)).toEqual({
        groups: ['Dev'],
        status: 'overage',
        complete: false,
      });
      expect(normalize({}, { missingClaim: 'empty' }, true).complete).toBe(false);
    });
  });
});

describe('normalizeGroupName', () => {
  it('trims, and folds case only when matching is case-insensitive', () => {
    expect(normalizeGroupName('  Dev Team ', { caseSensitive: true, dnCommonName: false })).toBe('Dev Team');
    expect(normalizeGroupName('  Dev Team ', { caseSensitive: false, dnCommonName: false })).toBe('dev team');
  });

  it('trims the CN read from a DN like any name (a quoted CN keeps its spaces in the DN only)', () => {
    expect(normalizeGroupName('CN=" Admins ",OU=x', { caseSensitive: true, dnCommonName: true })).toBe(
      'Admins',
    );
  });

  it('reduces a DN to its CN when dnCommonName is on, so a link typed as a DN still matches', () => {
    expect(normalizeGroupName('CN=Dev,OU=Groups', { caseSensitive: true, dnCommonName: true })).toBe('Dev');
    expect(normalizeGroupName('CN=Dev,OU=Groups', { caseSensitive: true, dnCommonName: false })).toBe(
      'CN=Dev,OU=Groups',
    );
  });
});

describe('parseDnCommonName', () => {
  it.each([
    ['CN=test, OU=unit, DC=mycomp', 'test'],
    ['CN=test,OU=unit,DC=mycomp', 'test'],
    ['  CN = test , OU = unit ', 'test'],
    ['cn=lower', 'lower'],
    ['commonName=long form', 'long form'],
    ['2.5.4.3=by oid', 'by oid'],
    ['OU=unit,CN=second,CN=third', 'second'],
    ['CN=Smith\\, John,OU=x', 'Smith, John'],
    ['CN=Smith\\2C John,OU=x', 'Smith, John'],
    ['CN=Smith\\2c John', 'Smith, John'],
    ['CN=caf\\C3\\A9', 'café'],
    ['CN=a\\+b\\;c\\"d\\\\e\\<f\\>g\\=h\\#i', 'a+b;c"d\\e<f>g=h#i'],
    ['CN=\\ padded\\ ,OU=x', ' padded '],
    ['CN=trailing   ,OU=x', 'trailing'],
    ['CN="Smith, John",OU=x', 'Smith, John'],
    ['CN=" quoted \\"x\\" ", OU=x', ' quoted "x" '],
    ['CN=multi+UID=42,OU=x', 'multi'],
    ['UID=42+CN=second in rdn,OU=x', 'second in rdn'],
    ['CN=semi;OU=x', 'semi'],
    ['OID.2.5.4.3=legacy', 'legacy'],
    ['ou-2=x,CN=dashed type before', 'dashed type before'],
    ['1.3.6.1=x,CN=after an oid', 'after an oid'],
    ['oid.1.3=x,CN=after oid.', 'after oid.'],
    // numeric OIDs have multi-digit arcs (2.16.840.1.113730.3.1.3 is Netscape's employeeNumber)
    ['2.16.840.1.113730.3.1.3=x,CN=after a long oid', 'after a long oid'],
    ['12.3=x,CN=multi-digit first arc', 'multi-digit first arc'],
  ])('%s -> %s', (dn, expected) => {
    expect(parseDnCommonName(dn)).toBe(expected);
  });

  it.each([
    ['Developers'],
    ['Dev Team'],
    ['3f2a6c1e-8b4d-4e7a-9c0f-1a2b3c4d5e6f'],
    [''],
    ['OU=unit,DC=mycomp'], // a DN without a CN
    ['CN=,OU=x'], // an empty CN
    ['CN=x,'], // trailing separator
    ['CN=x\\'], // lone trailing backslash
    ['CN="open'], // unterminated quote
    ['CN="x"y'], // garbage after a quoted value
    ['CN="x"yOU=z'], // garbage after a quoted value, even when a pair could follow
    ['OU=bad\\C3,CN=y'], // invalid UTF-8 in any pair makes the whole value unreadable
    ['OU="bad\\C3",CN=y'],
    ['CN=#04024869'], // BER-encoded value
    ['CN=bad\\C3'], // invalid UTF-8
    ['=x'],
    ['C N=x'],
    ['CN Admins'], // a plain name that starts like a DN: no "=" after the type
    // an attribute type is a keystring (letter first, then letters, digits, '-') or a numeric OID;
    // a malformed first type makes the whole value a plain name, even with a CN after it
    ['cn.=x,CN=y'],
    ['1a=x,CN=y'],
    ['-a=x,CN=y'],
    ['x.1=a,CN=y'],
    ['1.2.=a,CN=y'],
    ['1..2=a,CN=y'],
    ['oid.=a,CN=y'],
    ['a_b=x,CN=y'],
    ['CN  Admins, OU=x'],
    ['CN;Admins'],
  ])('%j is not a readable DN with a CN -> null (the value stays as is)', (value) => {
    expect(parseDnCommonName(value)).toBeNull();
  });
});

describe('hasOverageMarker', () => {
  it('sees the SAML groups.link attribute', () => {
    expect(
      hasOverageMarker({
        'http://schemas.microsoft.com/claims/groups.link': [
          'https://graph.microsoft.com/v1.0/users/x/getMemberObjects',
        ],
      }),
    ).toBe(true);
  });

  it('sees an OIDC _claim_names.groups pointer', () => {
    expect(
      hasOverageMarker({ _claim_names: { groups: 'src1' }, _claim_sources: { src1: { endpoint: 'x' } } }),
    ).toBe(true);
    expect(hasOverageMarker({ _claim_names: { roles: 'src1' } })).toBe(false);
    expect(hasOverageMarker({ _claim_names: ['groups'] })).toBe(false);
  });

  it('sees hasgroups true, as a boolean, a string or a SAML value list', () => {
    expect(hasOverageMarker({ hasgroups: true })).toBe(true);
    expect(hasOverageMarker({ hasgroups: 'true' })).toBe(true);
    expect(hasOverageMarker({ hasgroups: ['true'] })).toBe(true);
    expect(hasOverageMarker({ hasgroups: false })).toBe(false);
    expect(hasOverageMarker({ hasgroups: 'false' })).toBe(false);
  });

  it('any true hasgroups value marks overage: any case, padded, anywhere in a value list', () => {
    expect(hasOverageMarker({ hasgroups: 'TRUE' })).toBe(true);
    expect(hasOverageMarker({ hasgroups: ' True ' })).toBe(true);
    expect(hasOverageMarker({ hasgroups: ['false', 'true'] })).toBe(true);
    expect(hasOverageMarker({ hasgroups: [false, true] })).toBe(true);
    expect(hasOverageMarker({ hasgroups: ['false'] })).toBe(false);
    expect(hasOverageMarker({ hasgroups: [] })).toBe(false);
    expect(hasOverageMarker({ hasgroups: 1 })).toBe(false);
    expect(hasOverageMarker({ hasgroups: 'yes' })).toBe(false);
    expect(hasOverageMarker({ hasgroups: { value: true } })).toBe(false);
  });

  it('a null or absent marker is neither overage nor a crash', () => {
    expect(hasOverageMarker({ _claim_names: null })).toBe(false);
    expect(hasOverageMarker({ _claim_names: 'groups' })).toBe(false);
    expect(hasOverageMarker({ 'http://schemas.microsoft.com/claims/groups.link': null })).toBe(false);
    expect(hasOverageMarker({ 'http://schemas.microsoft.com/claims/groups.link': undefined })).toBe(false);
    expect(hasOverageMarker({ hasgroups: null })).toBe(false);
    expect(hasOverageMarker(null as unknown as Record<string, unknown>)).toBe(false);
  });

  it('reads only its own keys, not inherited ones', () => {
    const claimNames = Object.create({ groups: 'src1' }) as object;
    expect(hasOverageMarker({ _claim_names: claimNames })).toBe(false);
    const inherited = Object.create({ 'http://schemas.microsoft.com/claims/groups.link': 'x' }) as object;
    expect(hasOverageMarker(inherited as Record<string, unknown>)).toBe(false);
  });

  it('is false for an ordinary claim set', () => {
    expect(hasOverageMarker({ groups: ['Dev'], email: 'a@b.c' })).toBe(false);
    expect(hasOverageMarker({})).toBe(false);
  });
});
