import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CfnBucket,
  type IBucket,
  ReplicationTimeValue,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge } from '../nag.ts';

export interface AssetsBucketProps {
  bucketName: string;
  logsBucket: IBucket;
  /** The DR copy to replicate every object (and delete marker) to; absent for the DR bucket itself. */
  replicateTo?: {
    bucketName: string;
    region: string;
    /** Names of the alarms on replication (failed operations, replication later than 15 minutes). */
    alarmNames: { failed: string; late: string };
  };
}

const REPLICATION_RULE_ID = 'to-dr-region';

/**
 * The application's assets: versioned, encrypted, TLS-only, private. The primary's bucket
 * replicates to the DR bucket with S3 Replication Time Control (99.99% of objects within 15
 * minutes, with replication metrics) through a role of its own with a generated name (a fixed
 * name would collide with a second plan in the account), and alarms when an operation fails to
 * replicate or replication runs later than the 15 minutes RTC promises.
 */
export class AssetsBucket extends Construct {
  readonly bucket: Bucket;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: AssetsBucketProps) {
    super(scope, id);
    const target = props.replicateTo;
    const destination = target
      ? Bucket.fromBucketAttributes(this, 'ReplicaBucket', {
          bucketName: target.bucketName,
          region: target.region,
        })
      : undefined;
    const replicationRole = destination
      ? new Role(this, 'ReplicationRole', {
          assumedBy: new ServicePrincipal('s3.amazonaws.com'),
          description: `Replicates ${props.bucketName} to ${target?.bucketName}`,
        })
      : undefined;
    this.bucket = new Bucket(this, 'Bucket', {
      bucketName: props.bucketName,
      versioned: true,
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      serverAccessLogsBucket: props.logsBucket,
      serverAccessLogsPrefix: `s3/${props.bucketName}/`,
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
      ...(destination && replicationRole
        ? {
            replicationRole,
            replicationRules: [
              {
                id: REPLICATION_RULE_ID,
                destination,
                priority: 1,
                deleteMarkerReplication: true,
                replicationTimeControl: ReplicationTimeValue.FIFTEEN_MINUTES,
                metrics: ReplicationTimeValue.FIFTEEN_MINUTES,
              },
            ],
          }
        : {}),
    });
    if (!destination || !replicationRole || !target) return;
    this.bucket.grantReplicationPermission(replicationRole, { destinations: [{ bucket: destination }] });
    this.alarmOnReplication(props.bucketName, target);
    const sourceId = Stack.of(this).getLogicalId(this.bucket.node.defaultChild as CfnBucket);
    acknowledge(
      replicationRole,
      `AwsSolutions-IAM5[Resource::<${sourceId}.Arn>/*]`,
      'Replication reads every object version of the assets bucket: the role needs all its objects ("bucket/*"), nothing else.',
    );
    acknowledge(
      replicationRole,
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${target.bucketName}/*]`,
      'Replication writes every object (and delete marker) into the DR assets bucket: the role needs all its objects ("bucket/*"), nothing else.',
    );
  }

  /** S3 publishes replication metrics in the source bucket's region, per rule (S3 User Guide, RTC). */
  private alarmOnReplication(
    sourceBucket: string,
    target: NonNullable<AssetsBucketProps['replicateTo']>,
  ): void {
    const metric = (metricName: string, statistic: string) =>
      new Metric({
        namespace: 'AWS/S3',
        metricName,
        dimensionsMap: {
          SourceBucket: sourceBucket,
          DestinationBucket: target.bucketName,
          RuleId: REPLICATION_RULE_ID,
        },
        statistic,
        period: Duration.minutes(5),
      });
    this.alarms.push(
      new Alarm(this, 'ReplicationFailed', {
        alarmName: target.alarmNames.failed,
        alarmDescription: `Objects of ${sourceBucket} failed to replicate to ${target.bucketName} (${target.region}): the DR copy is missing them.`,
        metric: metric('OperationsFailedReplication', 'Sum'),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      new Alarm(this, 'ReplicationLate', {
        alarmName: target.alarmNames.late,
        alarmDescription: `Replication of ${sourceBucket} to ${target.bucketName} is later than the 15 minutes S3 Replication Time Control targets: assets written now may be missing after a failover.`,
        metric: metric('ReplicationLatency', 'Maximum'),
        threshold: 900,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 2,
        datapointsToAlarm: 2,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
  }
}
