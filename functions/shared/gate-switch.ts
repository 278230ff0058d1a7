import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { GATE_CLOSED } from '../../plan/names.ts';
import { describeGate, type GateIdentity, readGate, writeGate } from './traffic-gate.ts';

/** Where a switch stands, carried across the state machine's polls. */
export interface GateSwitchStep {
  /** `start` writes when the gate is open; `status` reads again (and writes again while it is not closed). */
  operation: 'start' | 'status';
  attempt: number;
  /** What start saw, echoed by status so that notices and reports keep it. */
  before: string | null;
  /** When start wrote, echoed by status. */
  submittedAt: string | null;
}

export interface GateSwitchResult {
  record: string;
  before: string;
  after: string;
  status: 'PENDING' | 'INSYNC';
  done: boolean;
  alreadySwitched: boolean;
  submittedAt: string | null;
  insyncAt: string | null;
  attempt: number;
}

/**
 * Closes a gate, the way both the failover (the public gate) and a drill (the drill gate) move a
 * name's traffic to the DR target: traffic moves when the gate alarm enters ALARM, which makes
 * Route 53's health check on it unhealthy and the failover records answer with the DR target.
 * `start` reads the gate first and closes it only if it is open; `status` reads it again and
 * writes the closed value once more while the alarm has not yet evaluated it (a lost write cannot
 * leave the gate open). Nothing here opens a gate.
 */
export async function closeGateStep(
  ports: { cloudWatch: CloudWatchClient; now: () => Date },
  gate: GateIdentity,
  step: GateSwitchStep,
): Promise<GateSwitchResult> {
  const reading = await readGate(ports.cloudWatch, gate);
  const starting = step.operation === 'start';
  const before = starting ? describeGate(gate, reading) : (step.before ?? describeGate(gate, reading));
  const base = {
    record: gate.record,
    before,
    after: describeGate(gate, { state: 'closed', alarmState: 'ALARM' }),
    attempt: starting ? step.attempt : step.attempt + 1,
  };
  if (reading.state === 'closed') {
    return {
      ...base,
      status: 'INSYNC',
      done: true,
      alreadySwitched: starting,
      submittedAt: starting ? null : step.submittedAt,
      insyncAt: starting ? null : (reading.changedAt ?? ports.now().toISOString()),
    };
  }
  const at = ports.now();
  await writeGate(ports.cloudWatch, gate, GATE_CLOSED, at);
  return {
    ...base,
    status: 'PENDING',
    done: false,
    alreadySwitched: false,
    submittedAt: starting ? at.toISOString() : (step.submittedAt ?? at.toISOString()),
    insyncAt: null,
  };
}
