import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { createStyle } from '../../../cli/terminal/style.ts';
import { renderSummary } from '../../../cli/terminal/summary.ts';
import { reportFromExecution } from '../../../report/from-execution.ts';
import { runReportSchema } from '../../../report/schema.ts';
import { buildReportView } from '../../../report/view-model.ts';
import { succeededFailover } from './support/shop-executions.ts';

const PLAN = {
  name: 'shop',
  regions: { primary: 'us-east-1', dr: 'us-west-2' },
  objectives: { rtoSeconds: 900, rpoSeconds: 60 },
};
const GENERATED = new Date('2026-11-20T11:00:00Z');
const DETECTED_AT = '2026-11-20T09:58:31.000Z';

/** The shop failover, its Preflight output changed by `change` (what the health-monitor reported). */
function failoverWithPreflight(change: (preflight: Record<string, unknown>) => void) {
  const { describe: execution, events } = succeededFailover();
  // The Lambda's result and the Task state's output both carry it (no ResultSelector in this history).
  const patch = (output: string | undefined) => {
    if (!output?.includes('"estimatedRecoverySeconds"')) return output;
    const preflight = JSON.parse(output) as Record<string, unknown>;
    change(preflight);
    return JSON.stringify(preflight);
  };
  const patched = events.map((event): HistoryEvent => {
    const lambda = event.lambdaFunctionSucceededEventDetails;
    const exited = event.stateExitedEventDetails;
    return {
      ...event,
      ...(lambda ? { lambdaFunctionSucceededEventDetails: { ...lambda, output: patch(lambda.output) } } : {}),
      ...(exited ? { stateExitedEventDetails: { ...exited, output: patch(exited.output) } } : {}),
    };
  });
  return reportFromExecution({ execution, events: patched }, PLAN, { generatedAt: GENERATED });
}

describe('an AWS failover report: RTO from detection, RPO from the lag at promotion', () => {
  it("measures the RTO from the detection alarm's change to ALARM that preflight read, labelled so", () => {
    // Act
    const report = failoverWithPreflight((preflight) => {
      preflight.trigger = {
        alarm: 'shop-primary-unreachable-from-dr',
        region: 'us-west-2',
        path: 'dr-probe',
        state: 'ALARM',
        changedAt: DETECTED_AT,
        detail: 'alarm shop-primary-unreachable-from-dr (us-west-2) in ALARM since ...',
      };
    });

    // Assess
    expect(report.outage.startedAt).toBeNull();
    expect(report.detection).toMatchObject({
      detectedAt: DETECTED_AT,
      seconds: null,
      alarm: 'shop-primary-unreachable-from-dr',
      path: 'dr-probe',
    });
    // Verified at 10:05:31, detected at 09:58:31: 420 s, a lower bound of the real RTO.
    expect(report.rto).toMatchObject({ seconds: 420, met: true, from: 'detection' });
    expect(runReportSchema.safeParse(report).success).toBe(true);
  });

  it('keeps the RTO unknown when preflight could not date the detection', () => {
    // Act
    const report = failoverWithPreflight((preflight) => {
      preflight.trigger = {
        alarm: null,
        region: null,
        path: null,
        state: null,
        changedAt: null,
        detail: 'x',
      };
    });

    // Assess
    expect(report.rto.seconds).toBeNull();
    expect(report.rto.from).toBeUndefined();
  });

  it('estimates the RPO from the worst lag at promotion when every database has one, labelled an estimate', () => {
    // Act
    const allKnown = failoverWithPreflight((preflight) => {
      const [, catalog] = preflight.databases as { lastActiveLagSeconds: number | null }[];
      if (catalog) catalog.lastActiveLagSeconds = 9;
    });
    const oneUnknown = failoverWithPreflight(() => undefined);

    // Assess
    expect(allKnown.rpo).toMatchObject({ seconds: 9, met: true, basis: 'replica-lag-estimate' });
    expect(oneUnknown.rpo).toMatchObject({ seconds: null, met: null });
    expect(oneUnknown.rpo.basis).toBeUndefined();
  });

  it('says so on the page and in the summary: RTO from detection, RPO an estimate', () => {
    // Prepare
    const report = failoverWithPreflight((preflight) => {
      preflight.trigger = {
        alarm: 'shop-primary-unreachable-from-dr',
        region: 'us-west-2',
        path: 'dr-probe',
        state: 'ALARM',
        changedAt: DETECTED_AT,
        detail: 'x',
      };
      const [, catalog] = preflight.databases as { lastActiveLagSeconds: number | null }[];
      if (catalog) catalog.lastActiveLagSeconds = 9;
    });

    // Act
    const view = buildReportView(report);
    const summary = renderSummary(report, createStyle(false));

    // Assess
    expect(view.rto.explanation).toContain(
      `Measured from the detection (the alarm's change to ALARM at ${DETECTED_AT}): the outage began earlier`,
    );
    expect(view.rpo.explanation).toContain('Estimated from the replica lag at promotion, not measured.');
    expect(summary).toContain(
      `detection  at ${DETECTED_AT} (the alarm's change to ALARM; the outage start is not known)`,
    );
    expect(summary).toContain(
      '420 s (7 min) from the detection (the outage began earlier) to the DR region serving',
    );
    expect(summary).toContain('about 9 s of writes lost, estimated from the replica lag at promotion');
  });
});
