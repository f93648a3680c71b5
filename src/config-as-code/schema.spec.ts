import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readConfigDocument } from './document';
import { CONFIG_SCHEMA } from './schema';

describe('the published configuration schema', () => {
  it('docs/config-schema.json is the schema of src/config-as-code/schema.ts (npm run config:schema rewrites it)', () => {
    const published = readFileSync(join(__dirname, '..', '..', 'docs', 'config-schema.json'), 'utf8');
    expect(published).toBe(`${JSON.stringify(CONFIG_SCHEMA, null, 2)}\n`);
  });
});

describe('the example of docs/config-as-code.md', () => {
  it('is a valid document', () => {
    const page = readFileSync(join(__dirname, '..', '..', 'docs', 'config-as-code.md'), 'utf8');
    const example = /```yaml\n([\s\S]*?)```/.exec(page)![1];
    const spec = readConfigDocument('example.yaml', example, {
      CONTOSO_ENTRA_SECRET: 'entra-secret',
      CONTOSO_GRAPH_SECRET: 'graph-secret',
    });
    expect(spec.tenants.map((t) => [t.slug, t.groups.length, t.identityProviders[0].clientSecret])).toEqual([
      ['contoso', 4, 'entra-secret'],
    ]);
    expect(spec.tenants[0].defaultMemberships.get('entra')).toEqual([{ group: 'Everyone', role: 'guest' }]);
  });
});
