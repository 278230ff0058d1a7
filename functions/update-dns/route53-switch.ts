import type { Logger } from '@aws-lambda-powertools/logger';
import {
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  type Route53Client,
} from '@aws-sdk/client-route-53';
import { DnsChangeRejectedError, ResourceNotFoundError, toDrError } from '../../plan/errors.ts';
import type { Plan } from '../../plan/schema.ts';
import type { DnsOutput, dnsInputSchema } from '../shared/contracts.ts';
import type * as z from '../shared/validator.ts';
import { type DnsSwitch, targetsOf } from './dns-switch.ts';
import { errorName, readRecordSets } from './record-sets.ts';
import { planSimpleSwitch } from './simple-switch.ts';
import { describeSwitchedWeights, planWeightedSwitch } from './weighted-switch.ts';

type DnsInput = z.output<typeof dnsInputSchema>;

export interface Route53SwitchPorts {
  plan: Plan;
  route53: Route53Client;
  now: () => Date;
  logger?: Pick<Logger, 'info' | 'warn'>;
}

/** Route 53 allows up to 256 characters of change comment. */
const MAX_COMMENT = 256;

/**
 * The `simple` and `weighted` strategies: moves the plan's public record from the primary target
 * to the DR target through the Route 53 API (`start`) and reports when Route 53 has propagated
 * the change (`status`). The Route 53 API is a control plane served from us-east-1 only. Never
 * deletes or empties a record, and changes it only while it still points where the plan says
 * the primary is.
 */
export async function switchRecord(ports: Route53SwitchPorts, input: DnsInput): Promise<DnsOutput> {
  return input.operation === 'start' ? start(ports, input) : status(ports, input);
}

async function start(
  { plan, route53, now, logger }: Route53SwitchPorts,
  input: DnsInput,
): Promise<DnsOutput> {
  const { dns } = plan;
  const sets = await readRecordSets(route53, dns);
  const targets = targetsOf(plan);
  const decision: DnsSwitch =
    dns.strategy === 'weighted'
      ? planWeightedSwitch(dns, targets, sets)
      : planSimpleSwitch(dns, targets, sets);
  const output = {
    record: dns.record,
    before: decision.before,
    after: decision.after,
    attempt: input.attempt,
    via: 'route53-api' as const,
  };

  if (decision.changes.length === 0) {
    logger?.info('DNS record already points at the DR region', { record: dns.record });
    return {
      ...output,
      changeId: null,
      status: 'INSYNC',
      done: true,
      alreadySwitched: true,
      submittedAt: null,
      insyncAt: null,
    };
  }

  const submittedAt = now().toISOString();
  const comment = `drctl failover ${input.correlationId}: ${dns.record} to ${targets.dr}`.slice(
    0,
    MAX_COMMENT,
  );
  let changeInfo: { Id?: string; Status?: string } | undefined;
  try {
    ({ ChangeInfo: changeInfo } = await route53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: dns.hostedZoneId,
        ChangeBatch: { Comment: comment, Changes: decision.changes },
      }),
    ));
  } catch (error) {
    throw changeError(error, dns);
  }
  const changeStatus = changeInfo?.Status === 'INSYNC' ? 'INSYNC' : 'PENDING';
  const changeId = changeInfo?.Id ? bareChangeId(changeInfo.Id) : null;
  logger?.info('DNS change submitted', { record: dns.record, changeId, status: changeStatus });
  return {
    ...output,
    changeId,
    status: changeStatus,
    done: changeStatus === 'INSYNC',
    alreadySwitched: false,
    submittedAt,
    insyncAt: changeStatus === 'INSYNC' ? submittedAt : null,
  };
}

async function status({ plan, route53, now }: Route53SwitchPorts, input: DnsInput): Promise<DnsOutput> {
  const base = {
    record: plan.dns.record,
    before: input.before,
    after:
      plan.dns.strategy === 'weighted'
        ? describeSwitchedWeights(targetsOf(plan))
        : plan.application.dr.target,
    changeId: input.changeId,
    alreadySwitched: false,
    submittedAt: null,
    attempt: input.attempt + 1,
    via: 'route53-api' as const,
  };
  // No change id: start found the record already switched, so there is nothing to wait for.
  if (input.changeId === null) {
    return { ...base, status: 'INSYNC', done: true, insyncAt: now().toISOString() };
  }
  const changeId = bareChangeId(input.changeId);
  let changeStatus: string | undefined;
  let submittedAt: Date | undefined;
  try {
    const response = await route53.send(new GetChangeCommand({ Id: changeId }));
    changeStatus = response.ChangeInfo?.Status;
    submittedAt = response.ChangeInfo?.SubmittedAt;
  } catch (error) {
    if (errorName(error) === 'NoSuchChange') {
      throw new ResourceNotFoundError(
        `Route 53 change ${changeId} does not exist (changes are kept for a limited time): check the record ${plan.dns.record} by hand`,
        { cause: error },
      );
    }
    throw toDrError(error, `GetChange ${changeId}`);
  }
  const insync = changeStatus === 'INSYNC';
  return {
    ...base,
    changeId,
    // The state machine replaces start's output with this one: keep what Route 53 still knows.
    submittedAt: submittedAt ? submittedAt.toISOString() : null,
    status: insync ? 'INSYNC' : 'PENDING',
    done: insync,
    insyncAt: insync ? now().toISOString() : null,
  };
}

function changeError(error: unknown, dns: Plan['dns']) {
  const name = errorName(error);
  if (name === 'InvalidChangeBatch' || name === 'InvalidInput') {
    const messages = (error as { messages?: string[] }).messages ?? [];
    const detail = [...messages, error instanceof Error ? error.message : ''].filter(Boolean).join('; ');
    return new DnsChangeRejectedError(
      `Route 53 rejected the change to ${dns.record} in zone ${dns.hostedZoneId}: ${detail || name}. Nothing was changed.`,
      { cause: error },
    );
  }
  if (name === 'NoSuchHostedZone') {
    return new ResourceNotFoundError(
      `Hosted zone ${dns.hostedZoneId} (${dns.zoneName}) does not exist: check dns.hostedZoneId in the plan`,
      { cause: error },
    );
  }
  return toDrError(error, `ChangeResourceRecordSets ${dns.hostedZoneId} ${dns.record}`);
}

/** Route 53 reports change ids as "/change/C123..."; the contract carries the bare id. */
function bareChangeId(id: string): string {
  return id.replace(/^\/?change\//, '');
}
