// Prints the closing line CI reads, from vitest's JSON report: `tests: N passed, N failed, N skipped`.
// Exits non-zero when the report is missing, a suite failed to load, or no test ran.
import { readFileSync } from 'node:fs';

const file = process.argv[2];
let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch (error) {
  console.log('tests: 0 passed, 1 failed');
  console.error(`test-summary: no vitest report at ${file}: ${error.message}`);
  process.exit(1);
}
const passed = report.numPassedTests ?? 0;
const brokenSuites = (report.testResults ?? []).filter(
  (suite) => suite.status === 'failed' && (suite.assertionResults ?? []).length === 0,
).length;
const failed = (report.numFailedTests ?? 0) + brokenSuites;
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
for (const suite of report.testResults ?? []) {
  if (suite.status === 'failed' && (suite.assertionResults ?? []).length === 0) {
    console.error(`test-summary: suite failed to run: ${suite.name}\n${suite.message ?? ''}`);
  }
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
