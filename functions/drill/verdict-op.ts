import type { DrillVerdictOutput } from '../shared/drill-contracts.ts';
import type { DrillPorts } from './ports.ts';
import { drillVerdict, type VerdictInput } from './verdict.ts';

/** The verdict as an op: judged from the plan's objectives, and logged for the operator. */
export function verdict(ports: Pick<DrillPorts, 'plan' | 'logger'>, input: VerdictInput): DrillVerdictOutput {
  const result = drillVerdict(ports.plan, input);
  ports.logger?.info('drill verdict', { outcome: result.outcome, rto: result.rto, rpo: result.rpo });
  return result;
}
