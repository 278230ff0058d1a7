import type { Plan } from '../plan/schema.ts';
import {
  type DetectionPathDependencies,
  detectionPaths,
  type RecoveryCall,
  type RecoveryStep,
  recoveryPath,
  survivesPrimaryLoss,
} from './recovery-path.ts';

export interface JudgedCall extends RecoveryCall {
  survives: boolean;
}

export interface ReadinessVerdict {
  plan: string;
  primaryRegion: string;
  drRegion: string;
  strategy: Plan['dns']['strategy'];
  steps: (Omit<RecoveryStep, 'calls'> & { calls: JudgedCall[] })[];
  detection: (Omit<DetectionPathDependencies, 'calls'> & { calls: JudgedCall[]; survives: boolean })[];
  /** Why the recovery would not survive the loss of the primary region; empty when it would. */
  blockers: string[];
  ready: boolean;
}

/**
 * Judges the declared recovery path against the loss of the primary region (with us-east-1, the
 * Route 53 control plane and its CloudWatch go too): every required call must survive, and at
 * least one detection path must.
 */
export function judgeReadiness(plan: Plan): ReadinessVerdict {
  const judge = (call: RecoveryCall): JudgedCall => ({ ...call, survives: survivesPrimaryLoss(call, plan) });
  const steps = recoveryPath(plan).map((step) => ({ ...step, calls: step.calls.map(judge) }));
  const detection = detectionPaths(plan).map((path) => {
    const calls = path.calls.map(judge);
    return { ...path, calls, survives: calls.every((c) => !c.required || c.survives) };
  });
  const blockers = steps.flatMap((step) =>
    step.calls
      .filter((call) => call.required && !call.survives)
      .map(
        (call) =>
          `${step.step} (${step.by}) needs ${call.service} ${call.operations.join(', ')} in ${call.region} (${call.what}), which is lost with the primary region ${plan.regions.primary}${call.service === 'route53' ? ': use dns.strategy gate, which moves traffic with a metric in the DR region' : ''}`,
      ),
  );
  if (!detection.some((path) => path.survives)) {
    blockers.push(
      `no detection path survives the loss of ${plan.regions.primary}: nothing would start the failover`,
    );
  }
  return {
    plan: plan.name,
    primaryRegion: plan.regions.primary,
    drRegion: plan.regions.dr,
    strategy: plan.dns.strategy,
    steps,
    detection,
    blockers,
    ready: blockers.length === 0,
  };
}
