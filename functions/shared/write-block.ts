import type { PlanDatabase } from '../../plan/schema.ts';

/**
 * The parameter that makes each engine refuse writes, as the fencing sets it and `drctl status`
 * reads it. MySQL and MariaDB: `read_only` refuses writes from every user without SUPER, and RDS
 * grants SUPER to nobody. PostgreSQL: `default_transaction_read_only` makes every new transaction
 * read only (a session could still turn it off, so it is the weaker fence; the load balancer fence
 * is the other half). Both are dynamic: applied at once, no reboot. Chosen over StopDBInstance
 * because a stopped instance starts again by itself after seven days, and because a read-only old
 * primary can still be read to reconcile the writes it took (RDS User Guide: stopping a DB
 * instance; parameter groups).
 */
export const WRITE_BLOCK: Readonly<Record<PlanDatabase['engine'], { name: string; value: string }>> = {
  mysql: { name: 'read_only', value: '1' },
  mariadb: { name: 'read_only', value: '1' },
  postgres: { name: 'default_transaction_read_only', value: 'on' },
};
