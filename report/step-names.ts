import type { ReportStep } from './schema.ts';

/**
 * How the failover state machine's Task states (statemachines/failover.asl.json) read as report
 * steps. Several states make one step: a poll loop (start, then status checks) is one step per
 * Map item, the decision loop (ask, then look for the answer) is one "Decision" step, and the
 * fencing loop one "Fence old primary" step. A state drctl does not know keeps its name, in words.
 */
export interface StepName {
  label: (resource: string | undefined) => string;
  kind: ReportStep['kind'];
  /** Where the state's own result sits in its output (its ResultPath), for histories without task results. */
  resultPath?: string;
  /** The state runs the step's loop in a child execution (startExecution.sync:2). */
  runsChild?: true;
}

const fixed = (label: string, kind: ReportStep['kind'], resultPath?: string): StepName => ({
  label: () => label,
  kind,
  ...(resultPath === undefined ? {} : { resultPath }),
});

export const STEP_NAMES: Readonly<Record<string, StepName>> = {
  Preflight: fixed('Preflight', 'preflight', 'preflight'),
  RequestDecision: fixed('Decision', 'decision'),
  CheckDecision: fixed('Decision', 'decision', 'decision'),
  Confirm: fixed('Confirm', 'confirm', 'confirmation'),
  StartPromotion: {
    label: (id) => `Promote ${id ?? 'database'}`,
    kind: 'promote',
    resultPath: 'promotion',
  },
  CheckPromotion: {
    label: (id) => `Promote ${id ?? 'database'}`,
    kind: 'promote',
    resultPath: 'promotion',
  },
  // The Task that runs a database's poll loop in a child execution (startExecution.sync:2): in the
  // parent's own history it stands for the loop. A report that reads the children replaces it
  // with their states (child-histories.ts); a view of the parent alone (progress) sees only it.
  PromoteDatabase: { label: (id) => `Promote ${id ?? 'database'}`, kind: 'promote', runsChild: true },
  StartScaling: { label: (id) => `Scale ${id ?? 'service'}`, kind: 'scale', resultPath: 'scale' },
  CheckScaling: { label: (id) => `Scale ${id ?? 'service'}`, kind: 'scale', resultPath: 'scale' },
  ScaleService: { label: (id) => `Scale ${id ?? 'service'}`, kind: 'scale', runsChild: true },
  FencePrimary: fixed('Fence old primary', 'fence', 'fencing'),
  SwitchDns: fixed('Switch traffic', 'dns', 'dns'),
  CheckDnsSync: fixed('Switch traffic', 'dns', 'dns'),
  VerifyDrEndpoint: fixed('Verify', 'verify', 'verification'),
  AssessChanges: fixed('Assess changes', 'assess', 'assessment'),
  NotifyStarted: fixed('Notify started', 'notify'),
  NotifySucceeded: fixed('Notify result', 'notify'),
  NotifyFailed: fixed('Notify failure', 'notify'),
  NotifyPreflightFailed: fixed('Notify failure', 'notify'),
  NotifyRefused: fixed('Notify failure', 'notify'),
  NotifySkipped: fixed('Notify skipped', 'notify'),
  NotifySkippedLate: fixed('Notify skipped', 'notify'),
  NotifyStoodDown: fixed('Notify stood down', 'notify'),
  NotifyDenied: fixed('Notify denied', 'notify'),
  NotifyDecisionTimedOut: fixed('Notify decision timed out', 'notify'),
  // The drill machine (statemachines/drill.asl.json): the same step words where a failover's
  // step has a drill twin (a copy's promotion, the drill name's switch, verify), its own otherwise.
  DrillPreflight: fixed('Preflight', 'preflight', 'preflight'),
  Sweep: fixed('Sweep earlier drills', 'sweep', 'sweep'),
  CheckSweep: fixed('Sweep earlier drills', 'sweep', 'sweep'),
  CreateCopy: { label: (id) => `Create copy ${id ?? 'database'}`, kind: 'copy' },
  CheckCopies: fixed('Copies available', 'copy', 'copyStatus'),
  DeclareOutage: fixed('Declare outage', 'outage', 'outage'),
  PromoteCopy: {
    label: (id) => `Promote copy ${id ?? 'database'}`,
    kind: 'promote',
    resultPath: 'promotion',
  },
  PromoteDrillCopy: { label: (id) => `Promote copy ${id ?? 'database'}`, kind: 'promote', runsChild: true },
  CheckCopyPromotion: {
    label: (id) => `Promote copy ${id ?? 'database'}`,
    kind: 'promote',
    resultPath: 'promotion',
  },
  SwitchDrillName: fixed('Switch drill name', 'dns', 'gate'),
  CheckDrillGate: fixed('Switch drill name', 'dns', 'gate'),
  VerifyThroughDrillName: fixed('Verify through drill name', 'verify', 'verification'),
  MeasureDataLoss: fixed('Measure data loss', 'data-loss', 'dataLoss'),
  Cleanup: fixed('Cleanup', 'cleanup', 'cleanup'),
  CheckCleanup: fixed('Cleanup', 'cleanup', 'cleanup'),
  DrillVerdict: fixed('Verdict', 'verdict', 'verdict'),
  NotifyDrillStarted: fixed('Notify started', 'notify'),
  NotifyDrillSucceeded: fixed('Notify result', 'notify'),
  NotifyDrillFailed: fixed('Notify failure', 'notify'),
  NotifyDrillRefused: fixed('Notify failure', 'notify'),
};

/** "FencePrimary" → "Fence primary": a state name as words, for states drctl does not know. */
export function stateAsWords(state: string): string {
  const words = state
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .trim();
  if (words === '') return state;
  return words.charAt(0).toUpperCase() + words.slice(1).toLowerCase();
}

export function stepNameOf(state: string): StepName {
  return (
    STEP_NAMES[state] ?? {
      label: (id) => (id ? `${stateAsWords(state)} ${id}` : stateAsWords(state)),
      kind: 'other',
    }
  );
}

/**
 * Errors that are a run's answer, not a failure: the lock refusing a second failover, the primary
 * answering again before the point of no return. The run ends SUCCEEDED with no change; the step
 * that gave the answer succeeded in giving it.
 */
export const ANSWER_ERRORS: Readonly<Record<string, readonly string[]>> = {
  Preflight: ['FailoverInProgressError'],
  // A drill refused (a failover runs, the plan is failed over, another drill runs): nothing changed.
  DrillPreflight: ['DrillRefusedError'],
  Confirm: ['PrimaryRecoveredError', 'FailoverInProgressError'],
};
