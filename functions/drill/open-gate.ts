import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { GATE_OPEN } from '../../plan/names.ts';
import type { Plan } from '../../plan/schema.ts';
import type { DrillResource } from '../shared/drill-contracts.ts';
import { describeGate, drillGate, gateResource, readGate, writeGate } from '../shared/traffic-gate.ts';
import { NO_ACTION } from './resources.ts';

/**
 * Opens the drill gate (drill name back to the primary target): PutMetricData 1 while its alarm
 * says closed, then pending until the alarm has evaluated it. Only the drill gate: the public
 * gate is never written by a drill.
 */
export async function openDrillGate(
  ports: { plan: Plan; cloudWatch: CloudWatchClient; now: () => Date },
  holdReason: string | null,
): Promise<DrillResource> {
  const gate = drillGate(ports.plan);
  const reading = await readGate(ports.cloudWatch, gate);
  const base = { resource: gateResource(gate), kind: 'gate' as const };
  if (reading.state === 'open') {
    return { ...base, outcome: 'cleaned', action: NO_ACTION, detail: describeGate(gate, reading) };
  }
  if (holdReason !== null) {
    return { ...base, outcome: 'skipped', action: NO_ACTION, detail: `left closed: ${holdReason}` };
  }
  await writeGate(ports.cloudWatch, gate, GATE_OPEN, ports.now());
  return {
    ...base,
    outcome: 'pending',
    action: 'open the drill gate (PutMetricData 1)',
    detail: `opening: ${describeGate(gate, reading)} until the alarm evaluates the open value`,
  };
}
