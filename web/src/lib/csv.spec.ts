import type { AuditEvent } from '../api/types';
import { auditCsv, csvField } from './csv';

describe('audit CSV', () => {
  it('quotes commas, quotes and line breaks, and disarms formulas', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('@admins')).toBe("'@admins");
    expect(csvField(null)).toBe('');
    expect(csvField({ role: 'developer' })).toBe('"{""role"":""developer""}"');
  });

  it('writes a header and one row per event', () => {
    const e: AuditEvent = {
      id: '1',
      createdAt: '2026-01-01T00:00:00.000Z',
      actor: { type: 'idp', id: null, label: 'dev' },
      action: 'membership.added',
      target: { type: 'group', id: 'g' },
      userId: 'u',
      before: null,
      after: { role: 'guest' },
      details: null,
      correlationId: 'c-1',
    };
    const lines = auditCsv([e]).split('\r\n');
    expect(lines[0]).toBe(
      'time,action,actor_type,actor,target_type,target_id,user_id,correlation_id,before,after,details',
    );
    expect(lines[1]).toBe(
      '2026-01-01T00:00:00.000Z,membership.added,idp,dev,group,g,u,c-1,,"{""role"":""guest""}",',
    );
    expect(lines).toHaveLength(3);
  });
});
