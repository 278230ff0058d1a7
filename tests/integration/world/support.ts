import type { World } from '../../../local/index.ts';
import { loadPlanFile } from '../../../plan/load.ts';
import type { Plan } from '../../../plan/schema.ts';

/** The reference plan (2 databases, 3 services) the world tests seed their worlds from. */
export const referencePlan = (): Plan =>
  loadPlanFile(new URL('../../../drctl.plan.yaml', import.meta.url).pathname);

/**
 * An SDK client pointed at the world, with dummy credentials and no SDK retries, so that a test
 * sees exactly what the world answered.
 */
export const worldClient = <T>(world: World, Client: new (config: object) => T, region: string): T =>
  new Client({
    region,
    endpoint: world.endpoint,
    credentials: { accessKeyId: 'AKIATEST', secretAccessKey: 'secret' },
    maxAttempts: 1,
  });
