// Writes docs/config-schema.json from its one source, src/config-as-code/schema.ts (built to dist/).
// Run after changing the schema: `npm run config:schema`; src/config-as-code/schema.spec.ts fails on drift.
const fs = require('node:fs');
const path = require('node:path');
const { CONFIG_SCHEMA } = require('../dist/config-as-code/schema.js');

fs.writeFileSync(path.join(__dirname, '..', 'docs', 'config-schema.json'), `${JSON.stringify(CONFIG_SCHEMA, null, 2)}\n`);
