import { formatDuration, formatSecondsFigure } from '../../report/format.ts';
import type { RunReport } from '../../report/schema.ts';
import { orderSteps } from '../../report/timeline.ts';
import { stoppedEarly, succeededWord } from './progress.ts';
import { offsetLabel, type Style } from './style.ts';
import { drillLines } from './summary-drill.ts';
import {
  callsWords,
  confirmationWords,
  decisionWords,
  detectionPathWords,
  fencingWords,
  NO_CHANGE_WORDS,
  rpoWords,
  trafficWords,
} from './summary-facts.ts';

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
  'would-wait-for-decision': "WOULD WAIT FOR A PERSON'S DECISION (dry run: nothing changed)",
  drilled: 'DRILL SUCCEEDED (on copies: production untouched)',
  running: 'STILL RUNNING',
  'no-change': 'NO CHANGE',
};

function outcomeText(report: RunReport): string {
  if (report.outcome !== 'no-change') return OUTCOME_WORDS[report.outcome];
  const reason = report.noChangeReason
    ? NO_CHANGE_WORDS[report.noChangeReason]
    : 'the run stopped on purpose';
  return `${OUTCOME_WORDS['no-change']}: ${reason}; nothing was changed`;
}

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
  const good = ['failed-over', 'would-fail-over', 'drilled'].includes(report.outcome);
  const outcome = outcomeText(report);
  const neutral = report.outcome === 'no-change' || report.outcome === 'would-wait-for-decision';
  lines.push(
    `${label('outcome')}${good ? style.green(outcome) : neutral ? style.yellow(outcome) : style.red(outcome)}  (execution ${report.execution.name}: ${report.execution.status})`,
  );
  // Denied and timed-out runs: the decision line below says who and why.
  if (report.noChangeDetail && !report.decision?.required) lines.push(`${label('')}${report.noChangeDetail}`);
  lines.push(`${label('trigger')}${report.trigger.kind} by ${report.trigger.requestedBy}`);

  const drill = report.mode === 'drill';
  if (drill) {
    lines.push(...drillLines(report, { style, label, verdict: (met) => color(met, verdictWord(met)) }));
  } else if (!dryRun) {
    const path = detectionPathWords(report);
    lines.push(
      `${label('detection')}${
        report.detection.seconds !== null
          ? `${seconds(report.detection.seconds)} from the outage to the alarm`
          : report.detection.detectedAt !== null
            ? `at ${report.detection.detectedAt} (the alarm's change to ALARM; the outage start is not known)`
            : 'unknown (no outage start recorded)'
      }${path ? `, by ${path}` : ''}`,
    );
    const facts: [string, string | null][] = [
      ['decision', decisionWords(report)],
      ['confirm', confirmationWords(report)],
      ['traffic', trafficWords(report)],
      ['calls', callsWords(report)],
    ];
    for (const [name, text] of facts) if (text) lines.push(`${label(name)}${text}`);
    const fencing = fencingWords(report);
    if (fencing) {
      lines.push(`${label('fencing')}${fencing.line}`);
      for (const failed of fencing.failed) lines.push(`${label('')}${style.red('failed')} ${failed}`);
    }
    if (report.outcome === 'no-change') {
      lines.push(`${label('RTO / RPO')}not measured: the run made no change (no replica was promoted)`);
    } else {
      const rto = report.rto;
      const rtoText =
        rto.seconds !== null
          ? `${seconds(rto.seconds)} from ${rto.from === 'detection' ? 'the detection (the outage began earlier)' : 'the outage'} to the DR region serving`
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
      lines.push(
        `${label('RPO')}${rpoWords(report)}; objective ${seconds(rpo.objectiveSeconds)}: ${color(rpo.met, verdictWord(rpo.met))}`,
      );
    }
  } else {
    lines.push(`${label('RTO / RPO')}not measured: a dry run changes nothing`);
  }

  // A drill's steps start before its declared outage: its offsets count from the execution's start.
  const origin = Date.parse((drill ? null : report.outage.startedAt) ?? report.execution.startedAt);
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
          ? style.green(succeededWord(step))
          : step.outcome === 'failed'
            ? style.red(step.outcome)
            : stoppedEarly(step)
              ? 'stopped (another step failed)'
              : step.outcome;
      const retries = step.retries > 0 ? ` (${step.retries} retried)` : '';
      lines.push(`    ${step.step.padEnd(width)}  ${start}  ${took.padStart(12)}  ${outcome}${retries}`);
    }
  }

  // A drill's changes are its own resources, listed with their cleanup above.
  if (!drill) {
    lines.push(dryRun ? '  would change' : '  what changed');
    if (report.changes.length === 0) lines.push('    nothing');
    for (const change of report.changes) {
      lines.push(`    ${change.resource}: ${change.action} (${change.before} → ${change.after})`);
    }
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
