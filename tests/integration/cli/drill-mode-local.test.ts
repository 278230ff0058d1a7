import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runReportSchema } from '../../../report/schema.ts';
import { runCli, scratchDirectory } from './run-cli.ts';

describe('drctl drill --mode drill on the reference plan (local world)', () => {
  it('drills on copies: RTO from the declared outage to serving through the drill name, the canary RPO, complete cleanup, no production call', async () => {
    // Prepare
    const jsonPath = join(scratchDirectory(), 'drill.json');

    // Act
    const result = await runCli(['drill', '--mode', 'drill', '--scale', '1000', '--json', jsonPath]);

    // Assess: the exit status promises objectives met and a complete cleanup
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const report = runReportSchema.parse(JSON.parse(readFileSync(jsonPath, 'utf8')));
    expect([report.target, report.mode, report.outcome]).toEqual(['local', 'drill', 'drilled']);
    const drill = report.drill;
    if (!drill?.outageAt || !drill.servedAt) throw new Error('the drill recorded no outage or serving time');
    expect(report.rto.seconds).toBe((Date.parse(drill.servedAt) - Date.parse(drill.outageAt)) / 1000);
    expect(report.rto.from).toBe('declared-outage');
    expect(report.rto.met).toBe(true);
    expect(report.rpo.basis).toBe('canary');
    expect(report.rpo.seconds).not.toBeNull();
    expect(drill.recordName).toBe('drill.shop.example.com');
    expect(drill.answer).toBe('dr.shop.example.com');
    // Every copy was made from its DR replica, promoted after it was available, then deleted.
    expect(drill.copies.map((copy) => copy.identifier).sort()).toEqual([
      'shop-catalog-replica-drill',
      'shop-orders-replica-drill',
    ]);
    for (const copy of drill.copies) {
      expect(copy.sourceIdentifier).toBe(copy.identifier.replace(/-drill$/, ''));
      expect(Date.parse(copy.promotedAt as string)).toBeGreaterThanOrEqual(
        Date.parse(copy.availableAt as string),
      );
      expect(copy.deletedAt).not.toBeNull();
    }
    expect(drill.cleanup?.complete).toBe(true);
    expect(drill.cleanup?.resources.every((resource) => resource.outcome === 'cleaned')).toBe(true);
    expect(drill.production).toEqual({ mutatingCalls: 0, calls: [] });
    expect(result.stdout).toContain('DRILL SUCCEEDED (on copies: production untouched)');
    expect(result.stdout).toContain('production 0 mutating calls on production resources');
    expect(result.stdout).toContain('cleanup    complete');
  });
});
