// The engine must stay free of frameworks and I/O so it can run anywhere (sign-in, previews, benches).
import * as fs from 'fs';
import * as path from 'path';

/** Module specifiers of every import, export-from, require() and import() in `source`. */
function moduleSpecifiers(source: string): string[] {
  const patterns = [
    /\bimport\s+(?:type\s+)?[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bexport\s+(?:type\s+)?[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\brequire\s*\(\s*['"`]([^'"`]+)['"`]\s*\)/g,
    /\bimport\s*\(\s*['"`]([^'"`]+)['"`]\s*\)/g,
  ];
  const found: string[] = [];
  for (const pattern of patterns) {
    for (const match of source.matchAll(pattern)) found.push(match[1]);
  }
  return found;
}

/** Only files of this folder: './x'. Packages ('fs', '@nestjs/...', 'typeorm') and '../' escape it. */
function isOwnFile(specifier: string): boolean {
  return specifier.startsWith('./') && !specifier.includes('..');
}

describe('engine purity', () => {
  const engineDir = __dirname;
  const sourceFiles = fs
    .readdirSync(engineDir)
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts'));

  it('finds the engine source files', () => {
    expect(sourceFiles).toEqual(expect.arrayContaining(['index.ts', 'normalize.ts', 'plan.ts', 'types.ts']));
  });

  it.each(sourceFiles)('%s imports only files of the engine folder', (file) => {
    const source = fs.readFileSync(path.join(engineDir, file), 'utf8');
    const foreign = moduleSpecifiers(source).filter((specifier) => !isOwnFile(specifier));
    expect(foreign).toEqual([]);
  });

  it('the checker catches packages, node modules and paths outside the folder', () => {
    const sample = [
      "import { Injectable } from '@nestjs/common';",
      "import type { Repository } from 'typeorm';",
      "import * as fs from 'fs';",
      "import 'reflect-metadata';",
      "export { x } from '../groups/group.entity';",
      "const crypto = require('node:crypto');",
      "const lazy = await import('pg');",
      "import { planSync } from './plan';",
    ].join('\n');
    const foreign = moduleSpecifiers(sample).filter((specifier) => !isOwnFile(specifier));
    expect(foreign.sort()).toEqual(
      [
        '../groups/group.entity',
        '@nestjs/common',
        'fs',
        'node:crypto',
        'pg',
        'reflect-metadata',
        'typeorm',
      ].sort(),
    );
  });
});
