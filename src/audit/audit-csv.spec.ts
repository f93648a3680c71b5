import { AuditEvent } from './audit-event.entity';
import { auditCsvRow, csvField } from './audit-csv';

describe('audit CSV', () => {
  it('quotes fields with commas, quotes and line breaks (RFC 4180)', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(null)).toBe('');
    expect(csvField({ a: 1, b: 'x' })).toBe('"{""a"":1,""b"":""x""}"');
  });

  it('defuses spreadsheet formulas an IdP could send', () => {
    for (const v of ['=cmd()', '+1', '-1', '@SUM(A1)', '\tx'])
      expect(csvField(v).replace(/^"/, '')).toMatch(/^'/);
  });

  it('defuses a formula character after a separator a spreadsheet may split on (; tab comma)', () => {
    expect(csvField('a;=cmd()')).toBe("a;'=cmd()");
    expect(csvField('a\t+1')).toBe("a\t'+1");
    expect(csvField('a,-1')).toBe(`"a,'-1"`);
    expect(csvField('a;b-c')).toBe('a;b-c');
  });

  it('writes one CRLF-terminated record per event, in the column order', () => {
    const e = Object.assign(new AuditEvent(), {
      createdAt: new Date('2026-01-02T03:04:05.000Z'),
      action: 'membership.added',
      actorType: 'idp',
      actorLabel: 'entra',
      targetType: 'group',
      targetId: 'g1',
      userId: 'u1',
      correlationId: 'c1',
      after: { role: 'developer' },
    });
    expect(auditCsvRow(e)).toBe(
      '2026-01-02T03:04:05.000Z,membership.added,idp,entra,group,g1,u1,c1,,"{""role"":""developer""}",\r\n',
    );
  });
});
