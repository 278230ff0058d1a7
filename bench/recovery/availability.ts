import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../lib/timed-process.ts';

/** Figures 1-3 run in the local world; until its public API exists they report why they are missing. */
export function worldUnavailableReason(): string | undefined {
  return existsSync(join(REPO_ROOT, 'local', 'index.ts'))
    ? undefined
    : 'the local world (local/index.ts, issue 3) does not exist yet';
}
