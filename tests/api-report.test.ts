import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The API-report check that `.ci/run` runs (scripts/api-report.mjs, on the built types): it passes
 * when the committed report matches the API, and fails, naming the entry point, when an exported
 * name no longer matches its report, as after a rename without `pnpm api:update`.
 */
const root = new URL('..', import.meta.url).pathname;
const reports = mkdtempSync(join(tmpdir(), 'tc-api-test-'));
cpSync(join(root, 'api-reports'), reports, { recursive: true });
afterAll(() => rmSync(reports, { recursive: true, force: true }));

function check(): { code: number; output: string } {
  try {
    const output = execFileSync('node', [join(root, 'scripts/api-report.mjs'), '--reports', reports, '--only', 'kafkajs'], { encoding: 'utf8', stdio: 'pipe' });
    return { code: 0, output };
  } catch (error) {
    const failed = error as { status: number; stdout: string; stderr: string };
    return { code: failed.status, output: failed.stdout + failed.stderr };
  }
}

describe('API reports', () => {
  it('pass when the report matches the built API', () => {
    const result = check();
    expect(result.output).toContain('the kafkajs report matches the built API');
    expect(result.code).toBe(0);
  }, 60_000);

  it('fail, naming the entry point, when an exported name and its report disagree (a rename without api:update)', () => {
    const file = join(reports, 'kafkajs.api.md');
    const report = readFileSync(file, 'utf8');
    expect(report).toContain('export class TracedKafka ');
    // The report as it was before a rename: the built API (TracedKafka) no longer matches it.
    writeFileSync(file, report.replaceAll('TracedKafka ', 'TracingKafka '));
    const result = check();
    expect(result.code).toBe(1);
    expect(result.output).toContain('the public API changed and its report was not updated: kafkajs (@tracecarrier/kafkajs)');
  }, 60_000);
});
