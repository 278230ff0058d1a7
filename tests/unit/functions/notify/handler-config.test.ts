import { describe, expect, it } from 'vitest';
import { deployedPlanFile } from '../deployed-plan.ts';

describe('notify handler configuration', () => {
  it('fails at start when DRCTL_TOPIC_ARN is not the plan topic', async () => {
    // Prepare
    process.env.DRCTL_PLAN_FILE = deployedPlanFile();
    process.env.DRCTL_TOPIC_ARN = 'arn:aws:sns:us-west-2:111111111111:someone-elses-topic';
    process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';

    // Act
    const error = await import('../../../../functions/notify/handler.ts').catch((e: unknown) => e);

    // Assess
    expect((error as Error).name).toBe('ConfigurationError');
    expect((error as Error).message).toContain('someone-elses-topic');
  });
});
