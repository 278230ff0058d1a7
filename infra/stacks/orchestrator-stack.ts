import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { Plan } from '../../plan/schema.ts';
import { environmentOf } from '../config/plan-environment.ts';
import { DisasterRecovery } from '../orchestrator/disaster-recovery.ts';

export interface OrchestratorStackProps extends StackProps {
  plan: Plan;
  /** Overrides for tests and for teams that keep functions/ elsewhere. */
  functionsRoot?: string;
  /** The DR region's log bucket, for the evidence bucket's access logs. */
  evidenceAccessLogsBucketName?: string;
}

/** The recovery orchestrator in the DR region (success must not depend on the primary). */
export class OrchestratorStack extends Stack {
  readonly disasterRecovery: DisasterRecovery;

  constructor(scope: Construct, id: string, props: OrchestratorStackProps) {
    super(scope, id, {
      ...props,
      env: environmentOf(props.plan, 'dr'),
      description: `drctl ${props.plan.name}: recovery orchestrator (functions, failover and drill state machines, schedules, alarm trigger, topic, evidence bucket, dashboard)`,
    });
    this.disasterRecovery = new DisasterRecovery(this, 'DisasterRecovery', {
      plan: props.plan,
      ...(props.functionsRoot ? { functionsRoot: props.functionsRoot } : {}),
      ...(props.evidenceAccessLogsBucketName
        ? { evidenceAccessLogsBucketName: props.evidenceAccessLogsBucketName }
        : {}),
    });
  }
}
