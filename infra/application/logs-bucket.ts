import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge } from '../nag.ts';

export interface LogsBucketProps {
  /**
   * Buckets of other stacks of this region that send their S3 server access logs here, by name
   * (under `s3/<name>/`). Buckets of this stack are allowed by CDK itself.
   */
  logSourceBucketNames?: readonly string[];
}

/**
 * The region's log bucket: load balancer access logs and S3 server access logs. SSE-S3, because
 * ELB access logging does not write to SSE-KMS buckets.
 */
export class LogsBucket extends Construct {
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: LogsBucketProps = {}) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(365), noncurrentVersionExpiration: Duration.days(30) }],
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
    const account = Stack.of(this).account;
    for (const name of props.logSourceBucketNames ?? []) {
      // S3 server access logging delivers with the logging service principal; the source bucket
      // and account conditions keep it to that one bucket (S3 User Guide, "Enabling Amazon S3
      // server access logging": bucket policy for the logging service principal).
      this.bucket.addToResourcePolicy(
        new PolicyStatement({
          sid: `AccessLogsOf${name.replace(/[^A-Za-z0-9]/g, '')}`.slice(0, 100),
          principals: [new ServicePrincipal('logging.s3.amazonaws.com')],
          actions: ['s3:PutObject'],
          resources: [this.bucket.arnForObjects(`s3/${name}/*`)],
          conditions: {
            ArnLike: { 'aws:SourceArn': `arn:aws:s3:::${name}` },
            StringEquals: { 'aws:SourceAccount': account },
          },
        }),
      );
    }
    acknowledge(
      this.bucket,
      'AwsSolutions-S1',
      'This is the access-log bucket itself; logging its own accesses into itself would loop and logging them elsewhere needs yet another bucket.',
    );
  }
}
