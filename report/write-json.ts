import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RunReport } from './schema.ts';

/** Writes a run report as pretty JSON (the evidence file auditors keep). */
export function writeRunReportJson(report: RunReport, jsonPath: string): void {
  mkdirSync(dirname(jsonPath), { recursive: true });
  writeFileSync(jsonPath, `${JSON.stringify(report, null, 2)}\n`, 'utf8');
}
