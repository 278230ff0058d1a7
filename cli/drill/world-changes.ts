import type { WorldSnapshot } from '../../local/index.ts';

/**
 * What the recovery had changed in the world between two snapshots, in a few words per
 * resource: for the one line an interrupted drill prints. Only what drctl changes: replicas
 * promoted, DR services scaled, the public record's traffic moved (the gate alarm or the record).
 */
export function worldChanges(before: WorldSnapshot, after: WorldSnapshot, gateAlarm: string): string[] {
  const changes: string[] = [];
  for (const database of after.databases) {
    const earlier = before.databases.find((d) => d.id === database.id)?.replica;
    const now = database.replica;
    if (earlier && (earlier.role !== now.role || earlier.source !== now.source)) {
      changes.push(
        `${now.identifier} ${now.source === null ? 'promoted' : `now ${now.role ?? 'unknown'}`} (${now.status ?? 'status unknown'})`,
      );
    } else if (earlier && earlier.status !== now.status && now.status !== 'available') {
      // A replica leaves "available" only when drctl promotes it (RDS shows modifying, rebooting).
      changes.push(`${now.identifier} promotion under way (${now.status ?? 'status unknown'})`);
    }
  }
  for (const service of after.services) {
    const earlier = before.services.find((s) => s.id === service.id)?.dr;
    const now = service.dr;
    if (earlier && now && earlier.desired !== now.desired) {
      changes.push(
        `${now.cluster}/${now.service} desired ${earlier.desired} → ${now.desired} (${now.running} running)`,
      );
    }
  }
  const gateBefore = before.alarms.find((a) => a.name === gateAlarm)?.state;
  const gateAfter = after.alarms.find((a) => a.name === gateAlarm)?.state;
  if (gateBefore !== undefined && gateAfter !== undefined && gateBefore !== gateAfter) {
    changes.push(
      `traffic gate ${gateAfter === 'ALARM' ? 'closed' : 'opened'} (${gateAlarm}: ${gateBefore} → ${gateAfter})`,
    );
  }
  if (before.dns.resolvesTo !== after.dns.resolvesTo) {
    changes.push(`${after.dns.record} now answers ${after.dns.resolvesTo ?? 'nothing'}`);
  }
  return changes;
}
