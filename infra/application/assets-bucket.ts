import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CfnBucket,
  type IBucket,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge } from '../nag.ts';

export interface AssetsBucketProps {
  bucketName: string;
  logsBucket: IBucket;
  /** The DR copy to replicate every object (and delete marker) to; absent for the DR bucket itself. */
  replicateTo?: { bucketName: string; region: string };
}

/** The application's assets: versioned, encrypted, TLS-only, private, replicated to the DR region. */
export class AssetsBucket extends Construct {
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: AssetsBucketProps) {
    super(scope, id);
    const destination = props.replicateTo
      ? Bucket.fromBucketAttributes(this, 'ReplicaBucket', {
          bucketName: props.replicateTo.bucketName,
          region: props.replicateTo.region,
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
      ...(destination
        ? {
            replicationRules: [
              { id: 'to-dr-region', destination, priority: 1, deleteMarkerReplication: true },
            ],
          }
        : {}),
    });
    if (destination) {
      const sourceId = Stack.of(this).getLogicalId(this.bucket.node.defaultChild as CfnBucket);
      acknowledge(
        this.bucket,
        `AwsSolutions-IAM5[Resource::<${sourceId}.Arn>/*]`,
        'Replication reads every object version of the assets bucket: the role needs all its objects ("bucket/*"), nothing else.',
      );
      acknowledge(
        this.bucket,
        `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${props.replicateTo?.bucketName}/*]`,
        'Replication writes every object (and delete marker) into the DR assets bucket: the role needs all its objects ("bucket/*"), nothing else.',
      );
    }
  }
}
