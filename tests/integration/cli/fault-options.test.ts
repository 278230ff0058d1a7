import { describe, expect, it } from 'vitest';
import { FAULTS, faultHelp, parseFaults } from '../../../cli/drill/faults.ts';
import { InvalidInputError } from '../../../plan/errors.ts';
import { loadPlanFile } from '../../../plan/load.ts';
import { REPO_ROOT } from './run-cli.ts';

const plan = loadPlanFile(`${REPO_ROOT}drctl.plan.yaml`);

describe('--fault NAME[=VALUE]', () => {
  it('accepts every listed fault in its documented form and sorts them by when they start', () => {
    // Act
    const chosen = parseFaults(
      [
        'tasks-fail-to-start=web',
        'throttle=rds:0.5',
        'server-errors=ecs',
        'latency=route53:1500',
        'replica-lag-spike=120:600',
        'reject-dns-change=2',
        'db-backing-up=shop-orders-replica:300',
        'route53-control-plane-outage=1800',
        'duplicate-alarm-events=2',
        'primary-returns=900',
      ],
      plan,
    );

    // Assess
    expect(chosen.map((c) => c.spec.name)).toEqual(FAULTS.map((f) => f.name));
    expect(chosen.filter((c) => c.spec.phase === 'before').map((c) => c.spec.name)).toEqual([
      'replica-lag-spike',
    ]);
    for (const fault of FAULTS) expect(faultHelp()).toContain(`${fault.name}${fault.value}`);
  });

  it.each([
    ['meteor', 'no fault "meteor"; known faults: tasks-fail-to-start'],
    ['tasks-fail-to-start=billing', 'no service "billing" in the plan; known: web, api, worker'],
    ['throttle', 'give a service'],
    ['throttle=dynamodb:0.5', 'unknown service "dynamodb"'],
    ['throttle=rds:1.5', 'invalid RATE "1.5"'],
    ['reject-dns-change=1.5', 'expected a whole number'],
    ['db-backing-up=nope', 'no DB instance "nope" in the plan'],
    ['replica-lag-spike=-3', 'expected a number > 0'],
    ['route53-control-plane-outage=soon', 'invalid seconds "soon"'],
    ['duplicate-alarm-events=0.5', 'expected a whole number'],
  ])('rejects %s with a message naming the problem', (text, message) => {
    // Act
    const parse = () => parseFaults([text], plan);

    // Assess
    expect(parse).toThrow(InvalidInputError);
    expect(parse).toThrow(message);
  });
});
