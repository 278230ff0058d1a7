import { GATE_OPEN } from '../../plan/names.ts';
import type { DrillGateOutput, gateInputSchema } from '../shared/drill-contracts.ts';
import { closeGateStep } from '../shared/gate-switch.ts';
import { describeGate, drillGate, readGate, writeGate } from '../shared/traffic-gate.ts';
import type * as z from '../shared/validator.ts';
import type { DrillPorts } from './ports.ts';

export type GateInput = z.output<typeof gateInputSchema>;

/**
 * The drill name's switch: the same data-plane mechanism as the failover's (functions/shared/
 * gate-switch.ts) on the drill gate's own metric and alarm. `close` moves the drill name to the
 * DR target and `status` polls until it holds; `open` moves it back (the cleanup does the same).
 * The public record's gate is never read or written here.
 */
export async function switchDrillGate(
  ports: Pick<DrillPorts, 'plan' | 'cloudWatch' | 'now' | 'logger'>,
  input: GateInput,
): Promise<DrillGateOutput> {
  const gate = drillGate(ports.plan);
  if (input.action === 'open') {
    const reading = await readGate(ports.cloudWatch, gate);
    const before = describeGate(gate, reading);
    const at = ports.now();
    if (reading.state === 'closed') await writeGate(ports.cloudWatch, gate, GATE_OPEN, at);
    return {
      gate: 'drill',
      via: 'data-plane',
      record: gate.record,
      before,
      after: describeGate(gate, { state: 'open', alarmState: 'OK' }),
      status: reading.state === 'open' ? 'INSYNC' : 'PENDING',
      done: reading.state === 'open',
      alreadySwitched: reading.state === 'open',
      submittedAt: reading.state === 'closed' ? at.toISOString() : null,
      insyncAt: null,
      attempt: input.attempt,
    };
  }
  const result = await closeGateStep(ports, gate, {
    operation: input.action === 'close' ? 'start' : 'status',
    attempt: input.attempt,
    before: input.before,
    submittedAt: input.submittedAt,
  });
  ports.logger?.info(result.done ? 'drill gate is closed' : 'drill gate closing', { record: gate.record });
  return { gate: 'drill', via: 'data-plane', ...result };
}
