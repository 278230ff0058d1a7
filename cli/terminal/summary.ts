import { formatDuration, formatSecondsFigure } from '../report/format.ts';
import type { RunReport } from '../report/schema.ts';
import { orderSteps } from '../report/timeline.ts';
import { offsetLabel, type Style } from './style.ts';

/**
 * The end-of-run summary: a terminal view of the run report. Verdicts are words (PASS, FAIL,
 * UNKNOWN), not only colours, so they survive logs and screen readers.
 */
export function verdictWord(met: boolean | null): 'PASS' | 'FAIL' | 'UNKNOWN' {
  if (met === null) return 'UNKNOWN';
  return met ? 'PASS' : 'FAIL';
}

function seconds(value: number): string {
  const figure = `${formatSecondsFigure(Math.round(value * 10) / 10)} s`;
  return value >= 60 ? `${figure} (${formatDuration(value)})` : figure;
}

const OUTCOME_WORDS: Record<RunReport['outcome'], string> = {
  'failed-over': 'FAILED OVER',
  failed: 'FAILED',
  'would-fail-over': 'WOULD FAIL OVER (dry run: nothing changed)',
  running: 'STILL RUNNING',
};

export function renderSummary(report: RunReport, style: Style, files: string[] = []): string {
  const lines: string[] = [];
  const label = (name: string) => `  ${name.padEnd(11)}`;
  const color = (met: boolean | null, text: string) =>
    met === null ? style.yellow(text) : met ? style.green(text) : style.red(text);
  const dryRun = report.mode === 'dry-run';
  const where = report.target === 'local' ? 'local world, simulated time' : 'AWS';
  lines.push(
    style.bold(
      `Summary: plan ${report.plan.name}, ${report.mode} ${report.plan.regions.primary} → ${report.plan.regions.dr} (${where})`,
    ),
  );
  const good = report.outcome === 'failed-over' || report.outcome === 'would-fail-over';
  lines.push(
    `${label('outcome')}${good ? style.green(OUTCOME_WORDS[report.outcome]) : style.red(OUTCOME_WORDS[report.outcome])}  (execution ${report.execution.name}: ${report.execution.status})`,
  );
  lines.push(`${label('trigger')}${report.trigger.kind} by ${report.trigger.requestedBy}`);

  if (!dryRun) {
    lines.push(
      `${label('detection')}${
        report.detection.seconds === null
          ? 'unknown (no outage start recorded)'
          : `${seconds(report.detection.seconds)} from the outage to the alarm`
      }`,
    );
    const rto = report.rto;
    const rtoText =
      rto.seconds !== null
        ? `${seconds(rto.seconds)} from the outage to the DR region serving`
        : report.outcome === 'failed'
          ? 'not recovered: the failover did not complete and the DR region never served'
          : 'unknown: the DR endpoint was not seen serving';
    const spare =
      rto.seconds === null
        ? ''
        : rto.seconds <= rto.objectiveSeconds
          ? `, ${formatDuration(rto.objectiveSeconds - rto.seconds)} to spare`
          : `, ${formatDuration(rto.seconds - rto.objectiveSeconds)} over`;
    lines.push(
      `${label('RTO')}${rtoText}; objective ${seconds(rto.objectiveSeconds)}: ${color(rto.met, verdictWord(rto.met))}${spare}`,
    );
    const rpo = report.rpo;
    const rpoText =
      rpo.seconds === null
        ? 'unknown'
        : `${rpo.writesLost ?? 'unknown'} writes lost (${seconds(rpo.seconds)} of writes not on the replica)`;
    lines.push(
      `${label('RPO')}${rpoText}; objective ${seconds(rpo.objectiveSeconds)}: ${color(rpo.met, verdictWord(rpo.met))}`,
    );
  } else {
    lines.push(`${label('RTO / RPO')}not measured: a dry run changes nothing`);
  }

  const origin = Date.parse(report.outage.startedAt ?? report.execution.startedAt);
  if (report.steps.length > 0) {
    lines.push('  steps');
    const width = Math.max(...report.steps.map((s) => s.step.length));
    for (const step of orderSteps(report.steps)) {
      const start = step.startedAt ? offsetLabel((Date.parse(step.startedAt) - origin) / 1000) : '     ';
      const took =
        step.startedAt && step.endedAt
          ? formatDuration((Date.parse(step.endedAt) - Date.parse(step.startedAt)) / 1000)
          : '';
      const outcome =
        step.outcome === 'succeeded'
          ? style.green(step.outcome)
          : step.outcome === 'failed'
            ? style.red(step.outcome)
            : step.outcome;
      const retries = step.retries > 0 ? ` (${step.retries} retried)` : '';
      lines.push(`    ${step.step.padEnd(width)}  ${start}  ${took.padStart(12)}  ${outcome}${retries}`);
    }
  }

  lines.push(dryRun ? '  would change' : '  what changed');
  if (report.changes.length === 0) lines.push('    nothing');
  for (const change of report.changes) {
    lines.push(`    ${change.resource}: ${change.action} (${change.before} → ${change.after})`);
  }

  if (report.errors.length > 0) {
    lines.push('  errors');
    for (const error of report.errors) {
      lines.push(`    ${style.red(error.name)}${error.step ? ` in ${error.step}` : ''}: ${error.cause}`);
    }
  }
  for (const file of files) lines.push(`  report     ${file}`);
  return lines.join('\n');
}
