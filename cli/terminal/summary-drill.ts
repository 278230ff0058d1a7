import { formatDuration, formatSecondsFigure } from '../../report/format.ts';
import type { DrillCopy, DrillFacts, RunReport } from '../../report/schema.ts';
import { offsetLabel, type Style } from './style.ts';

/**
 * The summary's lines for a drill (mode drill): where it switched, the copies and their times,
 * the declared outage and the moment the DR application served through the drill name (the RTO),
 * the data loss with its basis (the RPO), what the sweep removed, the cleanup of every resource,
 * the verdict, and, in the local world, the mutating calls on production (which must be zero).
 * Times are offsets from the execution's start, as the steps' are.
 */
const figure = (value: number) => {
  const text = `${formatSecondsFigure(Math.round(value * 10) / 10)} s`;
  return value >= 60 ? `${text} (${formatDuration(value)})` : text;
};

export interface DrillLineContext {
  style: Style;
  label: (name: string) => string;
  verdict: (met: boolean | null) => string;
}

function offset(report: RunReport, at: string | null): string {
  if (at === null) return 'unknown';
  return offsetLabel((Date.parse(at) - Date.parse(report.execution.startedAt)) / 1000);
}

function copyLine(report: RunReport, copy: DrillCopy): string {
  const parts = [
    `created ${offset(report, copy.createdAt)}`,
    `available ${offset(report, copy.availableAt)}`,
    `promoted ${offset(report, copy.promotedAt)}${copy.lagAtPromotionSeconds === null ? ' (lag unknown)' : ` (lag ${figure(copy.lagAtPromotionSeconds)})`}`,
    copy.deletedAt
      ? `deleted ${offset(report, copy.deletedAt)}`
      : `not seen deleted (${copy.status ?? 'status unknown'})`,
  ];
  return `${copy.identifier} ← ${copy.sourceIdentifier ?? 'its DR replica'}: ${parts.join(', ')}`;
}

function rtoLine(report: RunReport, drill: DrillFacts, context: DrillLineContext): string {
  const { rto } = report;
  const text =
    rto.seconds !== null
      ? `${figure(rto.seconds)} from the declared outage (${offset(report, drill.outageAt)}) to the DR application serving through ${drill.recordName ?? 'the drill name'} (${offset(report, drill.servedAt)})`
      : drill.outageAt === null
        ? 'not measured: the drill ended before it declared its outage'
        : 'not measured: the DR application was not seen serving through the drill name';
  return `${text}; objective ${figure(rto.objectiveSeconds)}: ${context.verdict(rto.met)}`;
}

const BASIS_WORDS = {
  canary: 'from the write canary (heartbeats on the primary and on the copy at the declared outage)',
  'replica-lag-estimate': 'an estimate from the replica lag at promotion (the canary is off)',
  unknown: 'unknown (no canary, no lag reading)',
} as const;

function rpoLine(report: RunReport, drill: DrillFacts, context: DrillLineContext): string {
  const { rpo } = report;
  if (!drill.dataLoss) {
    return `not measured: the drill ended before its data-loss step; objective ${figure(rpo.objectiveSeconds)}: ${context.verdict(rpo.met)}`;
  }
  const basis = drill.dataLoss.basis;
  const lost =
    rpo.seconds === null
      ? 'data loss unknown'
      : `${rpo.writesLost === null ? '' : `${rpo.writesLost} writes, `}${figure(rpo.seconds)} of writes lost`;
  return `${lost}, ${BASIS_WORDS[basis]}; objective ${figure(rpo.objectiveSeconds)}: ${context.verdict(rpo.met)}`;
}

export function drillLines(report: RunReport, context: DrillLineContext): string[] {
  const drill = report.drill;
  const { label, style } = context;
  if (!drill) return [`${label('drill')}no drill facts in this report`];
  const lines: string[] = [];
  if (drill.recordName) {
    lines.push(
      `${label('drill name')}${drill.recordName}${drill.answer ? `: DNS answered ${drill.answer}` : ''} (the public record was not touched)`,
    );
  }
  if (report.outcome === 'no-change') {
    lines.push(`${label('RTO / RPO')}not measured: the drill was refused before it made anything`);
  } else {
    lines.push(`${label('RTO')}${rtoLine(report, drill, context)}`);
    lines.push(`${label('RPO')}${rpoLine(report, drill, context)}`);
    for (const db of drill.dataLoss?.databases ?? [])
      lines.push(`${label('')}${db.databaseId}: ${db.detail}`);
  }
  if (drill.copies.length > 0) {
    lines.push(`${label('copies')}${copyLine(report, drill.copies[0] as DrillCopy)}`);
    for (const copy of drill.copies.slice(1)) lines.push(`${label('')}${copyLine(report, copy)}`);
  }
  if (drill.sweep && drill.sweep.resources.length > 0) {
    const removed = drill.sweep.resources.map((r) => `${r.resource} (${r.outcome})`).join(', ');
    lines.push(`${label('sweep')}leftovers of earlier drills: ${removed}`);
  }
  if (drill.cleanup) {
    const state =
      drill.cleanup.complete === true
        ? style.green('complete')
        : drill.cleanup.complete === false
          ? style.red('INCOMPLETE')
          : style.yellow('not seen to end');
    lines.push(`${label('cleanup')}${state}`);
    for (const resource of drill.cleanup.resources) {
      const word =
        resource.outcome === 'cleaned'
          ? style.green('cleaned')
          : resource.outcome === 'failed'
            ? style.red('failed')
            : resource.outcome;
      lines.push(
        `${label('')}${word} ${resource.resource}: ${resource.action}${resource.detail ? ` (${resource.detail})` : ''}`,
      );
    }
    for (const left of drill.cleanup.leftBehind)
      lines.push(`${label('')}${style.red('left behind')} ${left}`);
  } else if (report.outcome !== 'no-change') {
    lines.push(
      `${label('cleanup')}${style.yellow('not seen')}: check the drill copies, the DR services and the drill gate`,
    );
  }
  if (drill.verdict) {
    lines.push(
      `${label('verdict')}${drill.verdict.outcome}${drill.verdict.error ? ` (${drill.verdict.error})` : ''}: ${drill.verdict.cause}`,
    );
  }
  if (drill.production) {
    const { mutatingCalls, calls } = drill.production;
    lines.push(
      `${label('production')}${
        mutatingCalls === 0
          ? style.green('0 mutating calls on production resources')
          : style.red(`${mutatingCalls} mutating calls on production resources`)
      }`,
    );
    for (const call of calls.slice(0, 10)) {
      lines.push(
        `${label('')}${call.service}:${call.operation} in ${call.region} on ${call.resources.join(', ')} (${call.outcome})`,
      );
    }
  }
  return lines;
}
