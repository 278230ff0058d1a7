import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../plan/errors.ts';
import { parseRunReport, readRunReportFile } from '../../../report/load.ts';
import { fixturePath, loadFixture } from './support/fixtures.ts';

describe('parseRunReport', () => {
  it('accepts the hand-written reports', () => {
    // Prepare + Act
    const reports = (['failover-succeeded', 'failover-failed', 'dry-run'] as const).map(loadFixture);

    // Assess
    expect(reports.map((report) => report.outcome)).toEqual(['failed-over', 'failed', 'would-fail-over']);
  });

  it('names the field that does not match and what it found', () => {
    // Prepare
    const document = JSON.parse(JSON.stringify(loadFixture('failover-succeeded')));
    document.steps[2].outcome = 'ok';

    // Act
    const parse = () => parseRunReport(document, 'run.json');

    // Assess
    expect(parse).toThrow(InvalidInputError);
    expect(parse).toThrow(
      /run\.json is not a valid drctl run report:\n {2}- steps\[2\]\.outcome: .*found "ok"/,
    );
    try {
      parse();
    } catch (error) {
      expect((error as InvalidInputError).field).toBe('steps[2].outcome');
    }
  });
});

describe('readRunReportFile', () => {
  it('reads a report file', () => {
    // Prepare + Act
    const report = readRunReportFile(fixturePath('dry-run'));

    // Assess
    expect(report.execution.name).toBe('dry-run-2026-W47');
  });

  it('says when the file is not JSON', () => {
    // Prepare
    const path = join(mkdtempSync(join(tmpdir(), 'drctl-report-')), 'broken.json');
    writeFileSync(path, '{ "schemaVersion": 1,');

    // Act
    const read = () => readRunReportFile(path);

    // Assess
    expect(read).toThrow(`${path} is not valid JSON`);
  });
});
