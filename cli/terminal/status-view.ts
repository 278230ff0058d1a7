import type { PlanStatus, Reading } from '../drill/read-status.ts';
import type { Style } from './style.ts';

/** `drctl status` as text: one block per kind of resource, unreadable items say why. */
export function renderStatus(status: PlanStatus, where: string, style: Style): string {
  const lines: string[] = [
    style.bold(`Plan ${status.plan}: ${status.regions.primary} → ${status.regions.dr} (${where})`),
  ];
  const show = <T>(item: Reading<T>, text: (value: T) => string) =>
    item.ok ? text(item.value) : style.yellow(`unreachable: ${item.error}`);

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
  lines.push(
    `dns        ${show(status.dns, (d) => `${d.record} → ${d.value ?? '(none)'}${d.pointsTo ? ` (${d.pointsTo})` : ''}${d.problem ? style.yellow(` problem: ${d.problem}`) : ''}`)}`,
  );
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
    for (const alarm of status.alarms.value) {
      const state =
        alarm.state === 'ALARM'
          ? style.red(alarm.state)
          : alarm.state === 'OK'
            ? style.green(alarm.state)
            : style.yellow(alarm.state);
      lines.push(`  ${alarm.name} (${alarm.region}): ${state}`);
    }
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
