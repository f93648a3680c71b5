// Re-checks mutants of a Stryker JSON report by hand: applies each one to the source, runs the
// mutation-run specs (test/mutation/jest.config.js) with a 60 s limit, and says killed (the specs
// fail), survived (they pass) or hang. Used where a loaded machine turned mutants into "timeouts".
// usage: npm run mutate:recheck -- reports/mutation/mutation.json Timeout src/scim
const fs = require('fs');
const { spawnSync } = require('child_process');
const [report, status, ...roots] = process.argv.slice(2);
const r = JSON.parse(fs.readFileSync(report, 'utf8'));
const out = { killed: 0, survived: 0, hang: 0 };
for (const [file, d] of Object.entries(r.files)) {
  const original = fs.readFileSync(file, 'utf8');
  const lines = original.split('\n');
  const offset = (l, c) => lines.slice(0, l - 1).reduce((n, s) => n + s.length + 1, 0) + c - 1;
  for (const m of d.mutants.filter((x) => x.status === status)) {
    const a = offset(m.location.start.line, m.location.start.column);
    const b = offset(m.location.end.line, m.location.end.column);
    fs.writeFileSync(file, original.slice(0, a) + m.replacement + original.slice(b));
    const t0 = Date.now();
    const res = spawnSync(process.execPath, ['node_modules/jest/bin/jest.js', '-c', 'test/mutation/jest.config.js', '--bail', ...roots], { encoding: 'utf8', timeout: 60000 });
    const verdict = res.error ? 'hang' : res.status === 0 ? 'survived' : 'killed';
    out[verdict]++;
    console.log(verdict, `${file}:${m.location.start.line}`, m.mutatorName, JSON.stringify(m.replacement).slice(0, 60), `${Date.now() - t0} ms`);
  }
  fs.writeFileSync(file, original);
}
console.log(out);
