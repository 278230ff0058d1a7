import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../../plan/load.ts';
import {
  drillCopyIdentifier,
  drillRecordName,
  evidenceBucketName,
  evidenceKey,
} from '../../../plan/names.ts';
import { issueOn, planErrorOf, referenceWith } from './support.ts';

describe('plan drills section', () => {
  it('fills every default when the section is absent and derives the drill name from the zone', () => {
    // Prepare
    const document = referenceWith((plan) => {
      delete (plan as { drills?: unknown }).drills;
    });

    // Act
    const plan = parsePlan(document, 'test-plan');

    // Assess
    expect(plan.drills).toEqual({
      timeoutMinutes: 180,
      copyPollSeconds: 30,
      canary: { enabled: false, intervalSeconds: 5 },
      evidence: { retentionDays: 400 },
    });
    expect(drillRecordName(plan)).toBe('drill.shop.example.com');
  });

  it('refuses a schedule EventBridge would refuse, naming the field and an accepted form', () => {
    // Prepare
    const document = referenceWith((plan) => {
      plan.drills = { schedule: 'every sunday' };
    });

    // Act
    const error = planErrorOf(document);

    // Assess
    expect(issueOn(error, 'drills.schedule')).toContain('cron(0 3 ? * SUN *)');
  });

  it('refuses a drill name equal to the public record or outside the zone', () => {
    // Prepare
    const same = referenceWith((plan) => {
      plan.drills = { recordName: plan.dns.record };
    });
    const outside = referenceWith((plan) => {
      plan.drills = { recordName: 'drill.other.example.org' };
    });

    // Act
    const sameError = planErrorOf(same);
    const outsideError = planErrorOf(outside);

    // Assess
    expect(issueOn(sameError, 'drills.recordName')).toContain('never touches the public record');
    expect(issueOn(outsideError, 'drills.recordName')).toContain('inside dns.zoneName');
  });

  it('names drill copies within RDS limits and evidence objects by machine and month', () => {
    // Prepare
    const long = `a${'b'.repeat(55)}-cd-efg`;
    const plan = parsePlan(
      referenceWith(() => undefined),
      'test-plan',
    );

    // Act
    const copy = drillCopyIdentifier(long);
    const bucket = evidenceBucketName(plan, '111111111111');
    const key = evidenceKey('shop-drill', 'run-1', new Date('2026-03-04T05:06:07Z'), 'json');

    // Assess
    expect(copy.length).toBeLessThanOrEqual(63);
    expect(copy).toMatch(/^[a-z][a-z0-9-]*[a-z0-9]-drill$/);
    expect(copy).not.toContain('--');
    expect(drillCopyIdentifier('shop-orders-replica')).toBe('shop-orders-replica-drill');
    expect(bucket).toBe('drctl-shop-evidence-111111111111-us-west-2');
    expect(key).toBe('runs/shop-drill/2026/03/run-1.json');
  });
});
