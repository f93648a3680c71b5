// The SAML pre-check on hostile shapes: it must stay linear in the input and stop at the first
// problem (a quadratic pass would take minutes on these). Printed, never asserted.
const { performance } = require('node:perf_hooks');
const { precheckSamlResponse, DEFAULT_SAML_LIMITS } = require('../dist/sso/saml-precheck');

module.exports = function samlPrecheckBench() {
  const limits = { ...DEFAULT_SAML_LIMITS, maxResponseBytes: 4 * 1024 * 1024 };
  const shapes = {
    '60,000 nested elements': '<a>'.repeat(60000) + '</a>'.repeat(60000),
    '60,000 flat elements': `<r>${'<a/>'.repeat(60000)}</r>`,
    '50,000 attributes': `<r ${Array.from({ length: 50000 }, (_, i) => `a${i}="1"`).join(' ')}/>`,
    '1 MB inside an attribute value': `<r x=" ${'<'.repeat(1_000_000)}`,
    "1 MB of '<'": '<'.repeat(1_000_000),
  };
  for (const [name, xml] of Object.entries(shapes)) {
    const runs = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      const result = precheckSamlResponse(xml, limits);
      runs.push(performance.now() - started);
      if (result.ok) throw new Error(`the pre-check accepted ${name}`);
    }
    runs.sort((a, b) => a - b);
    const kb = Math.round(Buffer.byteLength(xml) / 1024);
    console.log(`saml pre-check  ${name.padEnd(32)} ${String(kb).padStart(5)} KB  median ${runs[2].toFixed(1)} ms`);
  }
};
