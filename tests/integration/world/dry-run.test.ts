import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../../../local/index.ts';
import { referencePlan } from './support.ts';

const plan = referencePlan();
let world: World;

beforeAll(async () => {
  world = await startWorld({ plan, scale: 400, schedule: false, alarmTrigger: false });
  await world.runFor(180);
});
afterAll(async () => {
  await world?.close();
});

describe('a dry-run', () => {
  it('succeeds and changes nothing in the world', async () => {
    // Prepare
    const stateOf = () => {
      const { databases, services, dns } = world.snapshot();
      return {
        databases: databases.map((d) => [d.replica.status, d.replica.role, d.replica.source]),
        services: services.map((s) => [s.dr?.desired, s.primary?.desired]),
        dns: dns.values,
      };
    };
    const before = stateOf();

    // Act
    const execution = world.stepFunctions.start(
      { mode: 'dry-run', reason: 'rehearsal', incidentId: 'DRILL-1', requestedBy: 'test' },
      'dry-run-1',
    );
    await world.stepFunctions.wait(execution.arn);
    await world.runFor(120);

    // Assess
    expect(execution.status, execution.cause).toBe('SUCCEEDED');
    expect(stateOf()).toEqual(before);
    const changes = world.events.list({
      type: ['rds.promotion-started', 'ecs.desired-count', 'route53.change-submitted'],
    });
    expect(changes).toEqual([]);
    expect(JSON.parse(execution.output ?? '{}')).toBeTruthy();
  });
});
