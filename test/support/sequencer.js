const Sequencer = require('@jest/test-sequencer').default;

/**
 * The slowest suites start first, so the whole run lasts about as long as the longest of them:
 * the end-to-end suites, then those that start real servers, then the unit tier. Within a tier,
 * jest's own order (its timings of earlier runs, else file size).
 */
const TIERS = ['/test/e2e/alerting', '/test/e2e/', '/test/programs/', '/test/unit/'];
const tier = (path) => {
  const i = TIERS.findIndex((t) => path.includes(t));
  return i === -1 ? TIERS.length : i;
};

class SlowestFirst extends Sequencer {
  sort(tests) {
    const ordered = super.sort(tests);
    return [...ordered].sort((a, b) => tier(a.path) - tier(b.path));
  }
}

module.exports = SlowestFirst;
