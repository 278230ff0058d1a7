/**
 * RDS DB instance statuses (RDS UG, "Viewing DB instance status") that waiting will not end: a
 * promotion that reaches one of them has failed and needs a person (restore, fix the parameter
 * group, grow storage, restore KMS access). Every other status is a step on the way.
 */
const TERMINAL_STATUSES = new Set([
  'failed',
  'inaccessible-encryption-credentials',
  'inaccessible-encryption-credentials-recoverable',
  'incompatible-network',
  'incompatible-option-group',
  'incompatible-parameters',
  'incompatible-restore',
  'insufficient-capacity',
  'restore-error',
  'storage-full',
  'deleting',
  'stopped',
  'stopping',
]);

export function isTerminalStatus(status: string): boolean {
  return TERMINAL_STATUSES.has(status.toLowerCase());
}

export const AVAILABLE = 'available';
