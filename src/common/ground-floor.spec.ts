// common/ is the ground floor: every feature may import it, so it imports no feature folder
// (a feature's code would then load wherever common/ does, and the layering would turn into a knot).
import * as fs from 'fs';
import * as path from 'path';

/** Folders under src/ that common/ may use: the typed configuration only. */
const ALLOWED = new Set(['common', 'config']);

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [full] : [];
  });
}

/** The src/ folder each relative import of `file` lands in. */
function importedFolders(file: string, source = fs.readFileSync(file, 'utf8')): string[] {
  const specifiers = [...source.matchAll(/(?:from|import|require\()\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map(
    (m) => m[1],
  );
  const srcDir = path.resolve(__dirname, '..');
  return specifiers.map((s) => path.relative(srcDir, path.resolve(path.dirname(file), s)).split(path.sep)[0]);
}

describe('common/ imports no feature folder', () => {
  const files = sourceFiles(__dirname);

  it('finds the files of common/', () => {
    expect(files.map((f) => path.basename(f))).toEqual(expect.arrayContaining(['errors.ts', 'http.ts']));
  });

  it.each(files.map((f) => [path.relative(__dirname, f), f]))('%s', (_, file) => {
    expect(importedFolders(file).filter((folder) => !ALLOWED.has(folder))).toEqual([]);
  });

  it('the check sees a feature import, a nested one and a type-only one', () => {
    const probe = path.join(__dirname, 'rate-limit', 'probe.ts');
    const source = "import type { X } from '../../scim/x';\nimport { Y } from '../errors';\n";
    expect(importedFolders(probe, source)).toEqual(['scim', 'common']);
  });
});
