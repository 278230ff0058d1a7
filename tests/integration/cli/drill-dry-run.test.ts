import { describe, expect, it } from 'vitest';
import { parseFaults } from '../../../cli/drill/faults.ts';
import { runLocalDrill } from '../../../cli/drill/local-drill.ts';
import { Progress } from '../../../cli/terminal/progress.ts';
import { createStyle } from '../../../cli/terminal/style.ts';
import { loadPlanFile } from '../../../plan/load.ts';
import { recoveryState } from '../world/support.ts';
import { REPO_ROOT } from './run-cli.ts';

const plan = loadPlanFile(`${REPO_ROOT}drctl.plan.yaml`);

describe('drctl drill --mode dry-run (local world)', () => {
  it('says what would change and changes nothing', async () => {
    // Prepare
    let output = '';
    const progress = new Progress({ write: (text) => (output += text) }, createStyle(false), 0);

    // Act
    const result = await runLocalDrill({ plan, mode: 'dry-run', faults: [], scale: 300, progress });

    // Assess
    expect(result.report.outcome).toBe('would-fail-over');
    expect(result.report.mode).toBe('dry-run');
    expect(result.report.changes.length).toBeGreaterThanOrEqual(plan.databases.length + plan.services.length);
    expect(recoveryState(result.after)).toEqual(recoveryState(result.before));
    expect(result.after.databases.every((d) => d.replica.role !== 'standalone')).toBe(true);
    expect(result.after.regions.every((r) => r.up)).toBe(true);
    expect(output).toContain('Preflight: started');
    expect(output).not.toContain('is down');
  });

  it('ends with its report when a fault was due after the run (the primary returning later than a dry run lasts)', async () => {
    // Prepare
    const progress = new Progress({ write: () => true }, createStyle(false), 0);
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', record);
    const faults = parseFaults(['primary-returns=400'], plan);

    // Act
    try {
      const result = await runLocalDrill({ plan, mode: 'dry-run', faults, scale: 300, progress });
      await new Promise((resolve) => setImmediate(resolve));

      // Assess: the world closed with the fault's wait pending, which cancels it, not the drill
      expect(result.report.outcome).toBe('would-fail-over');
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', record);
    }
  });
});
