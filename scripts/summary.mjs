// Adds up vitest JSON reports (named LANE.SUITE.json, beside LANE.lane, which describes the lane)
// into one line per lane and the one closing line CI reads: "N passed, N failed, N skipped".
// A report that is missing (its suite crashed or its broker never started) counts as one failure,
// and the last lines of its log (LANE.SUITE.log, else SUITE.log: scripts/test.sh keeps them) say why.
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

// Colour codes in a kept log (the lint forbids the escape character in a regex literal).
const ANSI_ESCAPE = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*[A-Za-z]`, 'g');
const total = { passed: 0, failed: 0, skipped: 0 };
const lanes = new Map();
// Failures are listed again here, next to the totals, because CI keeps only the end of a long log.
const failures = [];
for (const file of process.argv.slice(2)) {
  const [lane, suite] = basename(file, '.json').split('.');
  if (!lanes.has(lane)) {
    const about = join(dirname(file), `${lane}.lane`);
    lanes.set(lane, { about: existsSync(about) ? readFileSync(about, 'utf8').trim() : '', passed: 0, failed: 0, skipped: 0, suites: [] });
  }
  const counts = lanes.get(lane);
  if (!existsSync(file)) {
    counts.failed += 1;
    counts.suites.push(`${suite}: no results`);
    failures.push(`${lane} ${suite}: no results; the end of its log:\n${logTail(dirname(file), lane, suite)}`);
    continue;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  const failed = report.numFailedTests + (report.numFailedTestSuites > 0 && report.numFailedTests === 0 ? 1 : 0);
  counts.passed += report.numPassedTests;
  counts.failed += failed;
  counts.skipped += report.numPendingTests + report.numTodoTests;
  counts.suites.push(`${suite} ${report.numPassedTests}/${report.numPassedTests + failed}`);
  for (const file of report.testResults ?? []) {
    const where = file.name ? file.name.replace(/^.*?\/(tests|packages)\//, '$1/') : suite;
    const failedTests = (file.assertionResults ?? []).filter((test) => test.status === 'failed');
    for (const test of failedTests) {
      failures.push(`${lane} ${where} > ${test.fullName}: ${firstLine(test.failureMessages?.[0])}`);
    }
    if (failedTests.length === 0 && file.status === 'failed') failures.push(`${lane} ${where}: ${firstLine(file.message)}`);
  }
}
function logTail(dir, lane, suite, lines = 25) {
  const log = [join(dir, `${lane}.${suite}.log`), join(dir, `${suite}.log`)].find((candidate) => existsSync(candidate));
  if (!log) return '    (no log kept)';
  // Colours and carriage-return progress lines would garble the tail.
  const text = readFileSync(log, 'utf8').replace(ANSI_ESCAPE, '').replace(/[^\n]*\r(?!\n)/g, '');
  return text.trimEnd().split('\n').slice(-lines).map((line) => `    | ${line}`).join('\n');
}
function firstLine(text) {
  return String(text ?? 'failed').split('\n')[0].slice(0, 300);
}
if (failures.length > 0) {
  console.log('failed:');
  for (const failure of failures) console.log(`  ${failure}`);
}
for (const [lane, counts] of lanes) {
  console.log(`lane ${lane} (${counts.about}): ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped [${counts.suites.join(', ')}]`);
  total.passed += counts.passed;
  total.failed += counts.failed;
  total.skipped += counts.skipped;
}
console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(total.failed > 0 || total.passed === 0 ? 1 : 0);
