import type { DeclareOutageOutput } from '../shared/drill-contracts.ts';
import type { DrillPorts } from './ports.ts';

/**
 * The drill's simulated loss of the primary, once its copies are ready: the instant the drill's
 * RTO runs from. A Task rather than a Pass on `$$.State.EnteredTime`, so that the same instant is
 * recorded by the same clock as the drill's other times (the functions') in AWS and in the local
 * world, whose interpreter has no `$$.State` context; the invocation adds tens of milliseconds.
 */
export function declareOutage(ports: Pick<DrillPorts, 'now'>): DeclareOutageOutput {
  return { outageAt: ports.now().toISOString() };
}
