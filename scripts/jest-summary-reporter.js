// @ts-check
const { writeFileSync } = require('node:fs');
const path = require('node:path');

/**
 * Writes jest's real counts to .jest-results.json so that .ci/run can print the one
 * plain line CI reads ("N passed, N failed, N skipped"). A suite that fails to run at
 * all (syntax error, failing beforeAll) counts as a failure too.
 */
class SummaryReporter {
  /** @param {unknown} _contexts @param {import('@jest/reporters').AggregatedResult} results */
  onRunComplete(_contexts, results) {
    const suitesWithoutTests = results.testResults.filter(
      (suite) => suite.testExecError !== undefined || (suite.failureMessage && suite.numFailingTests === 0),
    ).length;
    const summary = {
      passed: results.numPassedTests,
      failed: results.numFailedTests + suitesWithoutTests,
      skipped: results.numPendingTests + results.numTodoTests,
    };
    writeFileSync(path.join(process.cwd(), '.jest-results.json'), `${JSON.stringify(summary)}\n`);
  }
}

module.exports = SummaryReporter;
