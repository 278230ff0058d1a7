import type { Logger } from '@aws-lambda-powertools/logger';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { RDSClient } from '@aws-sdk/client-rds';
import type { Plan } from '../../plan/schema.ts';
import type { FencedResource, FenceOutput } from '../shared/contracts.ts';
import { dnsRecordResource } from '../shared/resource-names.ts';
import type { RunGuard } from '../shared/run-guard.ts';
import { publicGate, readGate } from '../shared/traffic-gate.ts';
import { fenceDatabase } from './fence-databases.ts';
import { fenceService } from './fence-services.ts';
import { type RecoveryState, readRecoveryState } from './recovery-state.ts';

export interface FencePorts {
  plan: Plan;
  /** Primary region, best effort: short timeouts, a failure leaves the resource pending. */
  primaryEcs: ECSClient;
  primaryRds: RDSClient;
  /** DR region: whether the plan is failed over and whether the recovery is complete. */
  rds: RDSClient;
  ecs: ECSClient;
  cloudWatch: CloudWatchClient;
  now: () => Date;
  logger?: Pick<Logger, 'info' | 'warn'>;
}

/**
 * After the point of no return the old primary must take neither writes nor traffic when its
 * region answers: its services to 0, its databases read only, and (gate strategy) its traffic
 * gate closed. Best effort and idempotent: the state machine calls it in a loop beside the
 * recovery (`pastPointOfNoReturn`), the schedule calls it every few minutes and fences only when
 * a DR replica is already standalone. It never throws for a resource: each has an outcome.
 */
export async function fencePrimary(
  ports: FencePorts,
  options: { attempt: number; pastPointOfNoReturn: boolean },
): Promise<FenceOutput> {
  const { plan } = ports;
  const recovery = await readRecovery(ports);
  const failedOver = options.pastPointOfNoReturn || recovery.failedOver;
  const base = {
    checkedAt: ports.now().toISOString(),
    failedOver,
    recoveryComplete: recovery.complete,
    attempt: options.attempt + 1,
  };
  if (!failedOver) {
    // A primary whose replicas still replicate is the only writer: fencing it would be an outage.
    return { ...base, resources: [], done: true };
  }
  const resources: FencedResource[] = await Promise.all([
    ...plan.services.map((service) => fenceService(ports.primaryEcs, plan, service)),
    ...plan.databases.map((db) => fenceDatabase(ports.primaryRds, db)),
    // During the run the switch after the recovery closes the gate; the schedule checks it stays closed.
    ...(plan.dns.strategy === 'gate' && !options.pastPointOfNoReturn ? [fenceTraffic(ports)] : []),
  ]);
  const allFenced = resources.every((r) => r.outcome === 'fenced');
  const output = { ...base, resources, done: allFenced || recovery.complete };
  if (allFenced) ports.logger?.info('old primary fenced', { resources });
  else ports.logger?.warn('old primary not fully fenced yet', { resources });
  return output;
}

/**
 * The state machine's fence task. Its input says the run is past the point of no return, which
 * fences the old primary before a DR replica shows standalone; the run's history must say so too
 * (run-guard.ts), or a hand-made input could take a healthy primary down.
 */
export async function fenceForRun(
  ports: FencePorts & { pastPointOfNoReturn: RunGuard },
  input: { attempt: number; correlationId: string },
): Promise<FenceOutput> {
  await ports.pastPointOfNoReturn(input.correlationId, 'fence-primary');
  return fencePrimary(ports, { attempt: input.attempt, pastPointOfNoReturn: true });
}

async function readRecovery(ports: FencePorts): Promise<RecoveryState> {
  try {
    return await readRecoveryState(ports);
  } catch (error) {
    ports.logger?.warn('DR state unreadable: fencing only if past the point of no return', { error });
    return { failedOver: false, complete: false };
  }
}

async function fenceTraffic(ports: FencePorts): Promise<FencedResource> {
  const base = {
    resource: dnsRecordResource(ports.plan),
    kind: 'traffic' as const,
    action: 'traffic gate closed',
  };
  try {
    const gate = await readGate(ports.cloudWatch, publicGate(ports.plan));
    return gate.state === 'closed'
      ? {
          ...base,
          outcome: 'fenced',
          detail: `gate alarm ${gate.alarmState}: Route 53 answers the DR target`,
        }
      : {
          ...base,
          outcome: 'pending',
          detail: 'gate open: the failover closes it once the DR side is ready',
        };
  } catch (error) {
    return { ...base, outcome: 'pending', detail: `gate unreadable: ${(error as Error).message}` };
  }
}
