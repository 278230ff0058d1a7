import type { PlanStatus, Reading } from '../drill/read-status.ts';
import type { Style } from './style.ts';

/** `drctl status` as text: one block per kind of resource, unreadable items say why. */
export function renderStatus(status: PlanStatus, where: string, style: Style): string {
  const lines: string[] = [
    style.bold(`Plan ${status.plan}: ${status.regions.primary} → ${status.regions.dr} (${where})`),
  ];
  const show = <T>(item: Reading<T>, text: (value: T) => string) =>
    item.ok ? text(item.value) : style.yellow(`unreachable: ${item.error}`);
  const state = (value: string) =>
    value === 'ALARM' ? style.red(value) : value === 'OK' ? style.green(value) : style.yellow(value);

  lines.push(...trafficLines(status, show, state));
  lines.push('detection');
  if (!status.detection.ok) lines.push(`  ${show(status.detection, () => '')}`);
  else
    for (const alarm of status.detection.value) {
      const path = alarm.path === 'dr-probe' ? 'DR-side probe' : 'fast path (Route 53 health check)';
      lines.push(`  ${path.padEnd(34)} ${alarm.alarm} (${alarm.region}): ${state(alarm.state)}`);
    }

  lines.push('databases');
  for (const db of status.databases) {
    lines.push(`  ${db.id}`);
    lines.push(
      `    primary  ${show(db.primary, (i) => `${i.identifier} (${i.region}): ${i.status}, ${i.role}`)}`,
    );
    lines.push(
      `    replica  ${show(db.replica, (i) => `${i.identifier} (${i.region}): ${i.status}, ${i.role}`)}`,
    );
  }
  lines.push('services (desired / running / pending)');
  const counts = (
    value: { cluster: string; service: string; desired: number; running: number; pending: number } | null,
  ) =>
    value === null
      ? 'not found'
      : `${value.cluster}/${value.service}: ${value.desired} / ${value.running} / ${value.pending}`;
  for (const service of status.services) {
    lines.push(`  ${service.id}`);
    lines.push(`    primary  ${show(service.primary, counts)}`);
    lines.push(`    dr       ${show(service.dr, counts)}`);
  }
  lines.push(...fencingLines(status, style));
  lines.push('health checks');
  if (status.healthChecks.ok && status.healthChecks.value.length === 0) lines.push('  none');
  else if (!status.healthChecks.ok) lines.push(`  ${show(status.healthChecks, () => '')}`);
  else
    for (const check of status.healthChecks.value)
      lines.push(`  ${check.id}  ${check.target}: ${check.status}`);
  lines.push('alarms');
  if (status.alarms.ok && status.alarms.value.length === 0) lines.push('  none');
  else if (!status.alarms.ok) lines.push(`  ${show(status.alarms, () => '')}`);
  else
    for (const alarm of status.alarms.value)
      lines.push(`  ${alarm.name} (${alarm.region}): ${state(alarm.state)}`);
  lines.push(...waitingLines(status, style));
  lines.push('last executions');
  if (status.executions.ok && status.executions.value.length === 0) lines.push('  none');
  else if (!status.executions.ok) lines.push(`  ${show(status.executions, () => '')}`);
  else
    for (const execution of status.executions.value) {
      lines.push(
        `  ${execution.name}: ${execution.status}, started ${execution.startDate}${execution.stopDate ? `, ended ${execution.stopDate}` : ''}`,
      );
    }
  return lines.join('\n');
}

type Show = <T>(item: Reading<T>, text: (value: T) => string) => string;

function trafficLines(status: PlanStatus, show: Show, state: (value: string) => string): string[] {
  const { traffic } = status;
  const lines = [`traffic (dns.strategy ${traffic.strategy})`];
  if (traffic.gate)
    lines.push(
      `  gate      ${show(traffic.gate, (gate) =>
        gate.state === 'closed'
          ? `closed: traffic goes to the DR region (alarm ${gate.alarm} in ${gate.region}: ${state(gate.alarmState)}${gate.changedAt ? ` since ${gate.changedAt}` : ''}); only a failback opens it`
          : `open: the primary may serve (alarm ${gate.alarm} in ${gate.region}: ${state(gate.alarmState)})`,
      )}`,
    );
  else
    lines.push(
      `  record    ${show(status.dns, (dns) => `${dns.value ?? '(none)'}${dns.pointsTo ? ` (${dns.pointsTo})` : ''}${dns.problem ? ` problem: ${dns.problem}` : ''}`)}`,
    );
  lines.push(
    `  DNS       ${show(traffic.answer, (answer) => `${answer.answer === null ? `no CNAME for the record` : `answers ${answer.answer}${answer.pointsTo ? ` (${answer.pointsTo})` : ': neither application target'}`} (data plane, as clients resolve it)`)}`,
  );
  lines.push(
    `  records   ${show(traffic.records, (sets) =>
      sets.length === 0
        ? `none for ${status.dns.ok ? status.dns.value.record : 'the record'}`
        : `${sets
            .map(
              (set) =>
                `${set.failover ?? 'simple'}${set.setIdentifier ? ` ${set.setIdentifier}` : ''} → ${set.value ?? '?'}${set.healthCheckId ? ` (health check ${set.healthCheckId})` : ''}`,
            )
            .join('; ')} (Route 53 API)`,
    )}`,
  );
  return lines;
}

/** The old primary's fencing, once the plan is failed over (a DR replica is standalone). */
function fencingLines(status: PlanStatus, style: Style): string[] {
  const failedOver = status.databases.some(
    (db) => db.replica.ok && db.replica.value.role.startsWith('standalone'),
  );
  const header = `fencing of the old primary (${status.regions.primary})`;
  if (!failedOver) return [header, '  not failed over (the DR replicas still replicate): nothing to fence'];
  const lines = [header];
  const unknown = (error: string) =>
    style.yellow(`unknown: ${status.regions.primary} does not answer (${error})`);
  for (const service of status.services) {
    const reading = service.primary;
    const text = !reading.ok
      ? unknown(reading.error)
      : reading.value === null
        ? 'no such service: nothing to fence'
        : reading.value.desired === 0
          ? style.green('fenced (desired count 0)')
          : style.red(`NOT fenced: desired count ${reading.value.desired}, ${reading.value.running} running`);
    lines.push(`  service ${service.id.padEnd(12)} ${text}`);
  }
  for (const db of status.databases) {
    const reading = db.fence;
    const text = !reading.ok
      ? unknown(reading.error)
      : reading.value.state === 'fenced'
        ? style.green(`fenced (${reading.value.parameter}=${reading.value.value} in ${reading.value.group})`)
        : reading.value.state === 'writable'
          ? style.red(
              `NOT fenced: writable (${reading.value.parameter} ${reading.value.value === null ? 'not set' : `= ${reading.value.value}`}${reading.value.group ? ` in ${reading.value.group}` : ''})`,
            )
          : 'no such instance: nothing can write to it';
    lines.push(`  database ${db.id.padEnd(11)} ${text}`);
  }
  return lines;
}

function waitingLines(status: PlanStatus, style: Style): string[] {
  const lines = ['waiting for a decision'];
  if (!status.waiting.ok) return [...lines, `  ${style.yellow(`unreachable: ${status.waiting.error}`)}`];
  if (status.waiting.value.length === 0) return [...lines, '  none'];
  for (const run of status.waiting.value) {
    const rpo = run.rpo
      ? `; RPO ${run.rpo.verdict}${run.rpo.worstLagSeconds === null ? ' (lag unknown)' : ` (worst lag ${run.rpo.worstLagSeconds} s of ${run.rpo.budgetSeconds} s)`}`
      : '';
    lines.push(`  ${style.yellow(run.name)}${run.startedAt ? `, started ${run.startedAt}` : ''}${rpo}`);
    lines.push(`    approve: ${run.approve}`);
    lines.push(`    deny:    ${run.deny}`);
  }
  return lines;
}
