import { basename, dirname, join } from 'node:path';
import { writeHtmlReport } from '../../report/html.ts';
import type { RunReport } from '../../report/schema.ts';
import { writeRunReportJson } from '../../report/write-json.ts';

/** Writes the JSON report and its HTML page next to it; returns the paths written. */
export function writeReportFiles(report: RunReport, jsonPath: string): string[] {
  writeRunReportJson(report, jsonPath);
  const htmlPath = join(dirname(jsonPath), `${basename(jsonPath).replace(/\.json$/i, '')}.html`);
  writeHtmlReport(report, htmlPath);
  return [jsonPath, htmlPath];
}

/**
 * 0 when the run did what it set out to do within the plan's objectives; 1 when the failover
 * failed, is still running, missed an objective (an unknown RTO counts as missed: a drill must
 * prove it, not assume it) or made no change (skipped, stood down, denied, decision timed out:
 * a drill that did not fail over proved nothing). A drill (mode drill): 0 when it ran on its
 * copies, met both objectives (RTO known) and cleaned up completely. Bad input is 2, before any
 * run (guarded). A dry run: 0 only when a failover started now would go through on its own; 1
 * when it would wait for a person's decision or find the plan already failed over.
 */
export function drillExitCode(report: RunReport): number {
  if (report.mode === 'dry-run') return report.outcome === 'would-fail-over' ? 0 : 1;
  if (report.mode === 'drill') {
    // A drill proves its figures or it proves nothing: unknown RTO fails, and so does a leftover.
    const cleaned = report.drill?.cleanup?.complete === true;
    return report.outcome === 'drilled' && report.rto.met === true && report.rpo.met !== false && cleaned
      ? 0
      : 1;
  }
  if (report.outcome !== 'failed-over') return 1;
  if (report.target === 'local' && report.rto.met !== true) return 1;
  if (report.rto.met === false || report.rpo.met === false) return 1;
  return 0;
}
