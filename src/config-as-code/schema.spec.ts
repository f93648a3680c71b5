import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_SCHEMA } from './schema';

describe('the published configuration schema', () => {
  it('docs/config-schema.json is the schema of src/config-as-code/schema.ts (npm run config:schema rewrites it)', () => {
    const published = readFileSync(join(__dirname, '..', '..', 'docs', 'config-schema.json'), 'utf8');
    expect(published).toBe(`${JSON.stringify(CONFIG_SCHEMA, null, 2)}\n`);
  });
});
