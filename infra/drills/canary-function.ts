import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { type ISecurityGroup, type IVpc, Port, SecurityGroup, SubnetType } from 'aws-cdk-lib/aws-ec2';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { functionSettings } from '../../plan/function-settings.ts';
import { canaryFunctionName } from '../../plan/names.ts';
import type { Plan } from '../../plan/schema.ts';
import { enginePort } from '../application/database-engine.ts';
import { functionErrorsAlarmName } from '../config/alarm-names.ts';
import { DrFunction } from '../lambda/dr-function.ts';
import { acknowledge } from '../nag.ts';
import {
  type CanaryRole,
  canaryInstanceStatements,
  canaryReaderSecretStatements,
} from './canary-policies.ts';

/** The schedule runs the writer every minute: the canary's heartbeat stream (drills.canary). */
export const CANARY_SCHEDULE_MINUTES = 1;

export interface CanaryFunctionProps {
  plan: Plan;
  role: CanaryRole;
  vpc: IVpc;
  /** The security group of the databases it connects to (the primaries', or the DR replicas' and their copies'). */
  databaseSecurityGroup: ISecurityGroup;
  /** Writer: the canary secrets of this stack's primaries. */
  secrets?: readonly ISecret[];
  /** Writer: where failed scheduled runs end up (the function's asynchronous dead letters). */
  deadLetterQueue?: IQueue;
  functionsRoot?: string;
}

/**
 * The write canary (functions/canary, one handler, two deployments; drills.canary.enabled):
 * - writer `<plan>-canary`, primary region: an EventBridge rule runs it every minute; each run
 *   writes a heartbeat to every plan primary every `drills.canary.intervalSeconds` for about 55 s.
 *   It also answers the drill's reads of the primaries. An alarm on its errors is forwarded to the
 *   DR topic (the primary region's operational alarms).
 * - reader `<plan>-canary-reader`, DR region: answers the drill's reads of the promoted copies.
 * Both run in the private subnets with a security group that reaches only the databases (engine
 * port) and HTTPS (Secrets Manager and the RDS API through the region's NAT gateway or endpoints).
 */
export class CanaryFunction extends Construct {
  readonly fn: DrFunction;
  readonly securityGroup: SecurityGroup;
  readonly schedule: Rule | undefined;
  readonly errorsAlarm: Alarm | undefined;

  constructor(scope: Construct, id: string, props: CanaryFunctionProps) {
    super(scope, id);
    const { plan, role } = props;
    if (role === 'writer' && !props.deadLetterQueue) {
      throw new Error(
        "CanaryFunction: the writer runs on a schedule and needs the region's dead-letter queue (ApplicationStack deadLetterQueue: the primary foundation stack's deadLetters.queue)",
      );
    }
    this.securityGroup = new SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: `drctl write canary (${role}): out to the plan databases and to HTTPS (Secrets Manager, RDS API)`,
      allowAllOutbound: false,
    });
    const ports = [...new Set(plan.databases.map((db) => enginePort(db.engine)))];
    for (const port of ports) {
      this.securityGroup.addEgressRule(props.databaseSecurityGroup, Port.tcp(port), 'to the plan databases');
      props.databaseSecurityGroup.addIngressRule(
        this.securityGroup,
        Port.tcp(port),
        `drctl write canary (${role})`,
      );
    }
    this.securityGroup.connections.allowToAnyIpv4(Port.tcp(443), 'Secrets Manager and the RDS API');

    const settings = functionSettings(plan, `canary-${role}`);
    this.fn = new DrFunction(this, 'Function', {
      name: 'canary',
      plan,
      functionName: canaryFunctionName(plan, role),
      memorySize: settings.memoryMb,
      timeout: Duration.seconds(settings.timeoutSeconds),
      environment: { DRCTL_CANARY_ROLE: role },
      network: {
        vpc: props.vpc,
        subnets: { subnetType: SubnetType.PRIVATE_WITH_EGRESS },
        securityGroup: this.securityGroup,
      },
      ...(props.deadLetterQueue ? { deadLetterQueue: props.deadLetterQueue } : {}),
      ...(props.functionsRoot ? { functionsRoot: props.functionsRoot } : {}),
    });
    for (const statement of canaryInstanceStatements(plan, role))
      this.fn.role.addToPrincipalPolicy(statement);
    if (role === 'writer') {
      for (const secret of props.secrets ?? []) secret.grantRead(this.fn.role);
      // A failed run is not retried by Lambda either (a retry would overlap the next minute's
      // run); it goes to the region's dead-letter queue (the function's DeadLetterConfig).
      this.fn.function.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: Duration.minutes(1) });
      acknowledge(
        this.fn.function,
        'Serverless-LambdaAsyncFailureDestination',
        "Failed asynchronous runs go to the region's dead-letter queue through the function's dead-letter configuration (with its alarm); a second failure destination would deliver each one twice.",
      );
      this.schedule = this.scheduleWriter(plan);
      this.errorsAlarm = this.alarmOnErrors(plan);
    } else {
      for (const statement of canaryReaderSecretStatements(plan))
        this.fn.role.addToPrincipalPolicy(statement);
      acknowledge(
        this.fn.function,
        'Serverless-LambdaDLQ',
        'The reader is only invoked synchronously (RequestResponse) by the drill function, which gets its error: there is no asynchronous event to lose.',
      );
    }
  }

  /**
   * No dead-letter queue on the rule's target: the region's queue is in the foundation stack,
   * and its queue policy naming this rule would make the foundation depend on this stack. A
   * missed delivery is one minute without heartbeats, which the next run ends; failed runs go to
   * the function's dead-letter queue and raise the errors alarm.
   */
  private scheduleWriter(plan: Plan): Rule {
    const rule = new Rule(this, 'Schedule', {
      ruleName: `${canaryFunctionName(plan, 'writer')}-every-minute`,
      description: `Runs the drctl write canary of ${plan.name}: a heartbeat to every primary every ${plan.drills.canary.intervalSeconds} s`,
      schedule: Schedule.rate(Duration.minutes(CANARY_SCHEDULE_MINUTES)),
    });
    rule.addTarget(
      new LambdaFunction(this.fn.function, {
        // A late run would overlap the next one: no retry, the next minute's run writes on.
        retryAttempts: 0,
        maxEventAge: Duration.minutes(1),
      }),
    );
    acknowledge(
      rule,
      'Serverless-EventBusDLQ',
      "The primary region's dead-letter queue is in the foundation stack; a queue policy for this rule would make it depend on this stack. A missed delivery is one minute without heartbeats, ended by the next run; failed runs reach the queue through the function's dead-letter configuration.",
    );
    return rule;
  }

  /** Errors mean heartbeats are missing: a drill would then measure RPO from the lag estimate only. */
  private alarmOnErrors(plan: Plan): Alarm {
    return new Alarm(this, 'Errors', {
      alarmName: functionErrorsAlarmName(plan, 'canary'),
      alarmDescription: `drctl ${plan.name}: a run of the write canary failed in the last 5 minutes: heartbeats are missing, and a drill measures its data loss from the replica lag alone until they are back. Read /aws/lambda/${canaryFunctionName(plan, 'writer')} in ${plan.regions.primary}.`,
      metric: this.fn.function.metricErrors({ statistic: 'Sum', period: Duration.minutes(5) }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }
}
