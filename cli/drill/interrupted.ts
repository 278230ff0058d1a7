import type { RunReport } from '../../report/schema.ts';
import { InterruptedError, type StopSignal } from '../terminal/interrupt.ts';

/**
 * A drill the operator stopped: what drctl was doing, what the recovery had changed by then,
 * and the partial report (null when no execution had started: nothing to report on).
 */
export interface Interruption {
  during: string;
  changedSoFar: string[];
  /** Said after the changes: e.g. that the execution goes on in AWS. */
  afterwards?: string;
}

export class DrillInterruptedError extends InterruptedError {
  constructor(
    signal: StopSignal,
    readonly interruption: Interruption,
    readonly report: RunReport | null,
  ) {
    super(signal);
    this.name = 'DrillInterruptedError';
  }
}

/** The partial report, marked as such. */
export function markInterrupted(
  report: RunReport,
  signal: StopSignal,
  interruption: Interruption,
): RunReport {
  return {
    ...report,
    interrupted: { signal, during: interruption.during, changedSoFar: interruption.changedSoFar },
  };
}

/** The one line an interrupted drill prints. */
export function interruptionLine(error: DrillInterruptedError, files: readonly string[]): string {
  const { during, changedSoFar, afterwards } = error.interruption;
  const changed =
    changedSoFar.length > 0 ? `changed so far: ${changedSoFar.join('; ')}` : 'nothing had changed';
  const report =
    files.length > 0 ? `partial report: ${files.join(', ')}` : 'no report: no execution had started';
  return `drctl drill: interrupted by ${error.signal} while ${during}; ${changed}${afterwards ? `; ${afterwards}` : ''}; ${report}`;
}
