import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { AnyPrincipal, Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CfnBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge } from '../nag.ts';

export interface EvidenceBucketProps {
  bucketName: string;
  /** drills.evidence.retentionDays: how long a report is kept. */
  retentionDays: number;
  /**
   * The DR region's log bucket (its name), for S3 server access logs under `s3/<bucket>/`; that
   * bucket's policy must let S3 logging deliver for this bucket (LogsBucket's logSources).
   */
  accessLogsBucketName?: string;
}

/** Where the run reports go (plan/names.ts evidenceKey): runs/<state machine>/<yyyy>/<mm>/<execution>.{json,html}. */
export const EVIDENCE_PREFIX = 'runs/';

/**
 * The evidence of every AWS run (JSON report and HTML page), in the DR region, kept as long as
 * the plan says: SSE-KMS with a key of its own (rotated yearly; S3 Bucket Keys cut the KMS
 * requests), versioned (an overwritten or deleted report stays as a noncurrent version), TLS 1.2+
 * only, uploads only with that key, public access blocked, ACLs disabled (the bucket owns every
 * object). A lifecycle rule expires reports `retentionDays` after they were written and removes
 * noncurrent versions `retentionDays` after they became noncurrent (S3 then removes the expired
 * delete markers itself). Bucket and key are retained when the stack is deleted: evidence must
 * outlive the deployment that made it.
 */
export class EvidenceBucket extends Construct {
  readonly bucket: Bucket;
  readonly key: Key;

  constructor(scope: Construct, id: string, props: EvidenceBucketProps) {
    super(scope, id);
    this.key = new Key(this, 'Key', {
      description: `Encrypts the drctl run reports in ${props.bucketName}`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
    const retention = Duration.days(props.retentionDays);
    this.bucket = new Bucket(this, 'Bucket', {
      bucketName: props.bucketName,
      encryption: BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      versioned: true,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [
        {
          id: 'expire-reports-after-retention',
          expiration: retention,
          noncurrentVersionExpiration: retention,
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
    this.refuseOtherEncryption();
    const cfn = this.bucket.node.defaultChild as CfnBucket;
    if (props.accessLogsBucketName) {
      // Set on the L1: the log bucket lives in the foundation stack, whose policy names this
      // bucket by its (plan-derived) name, so neither stack references the other's resources.
      cfn.loggingConfiguration = {
        destinationBucketName: props.accessLogsBucketName,
        logFilePrefix: `s3/${props.bucketName}/`,
      };
    } else {
      acknowledge(
        this.bucket,
        'AwsSolutions-S1',
        'No log bucket was given to the orchestrator (a team deploying DisasterRecovery alone): pass evidenceAccessLogsBucketName to log accesses; CloudTrail still records every data-plane call you enable.',
      );
    }
  }

  /** Default encryption covers uploads without headers; these refuse any other key or SSE type. */
  private refuseOtherEncryption(): void {
    this.bucket.addToResourcePolicy(
      new PolicyStatement({
        sid: 'DenyOtherEncryptionTypes',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects('*')],
        conditions: { StringNotEqualsIfExists: { 's3:x-amz-server-side-encryption': 'aws:kms' } },
      }),
    );
    this.bucket.addToResourcePolicy(
      new PolicyStatement({
        sid: 'DenyOtherKeys',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects('*')],
        conditions: {
          StringNotEqualsIfExists: { 's3:x-amz-server-side-encryption-aws-kms-key-id': this.key.keyArn },
        },
      }),
    );
  }
}
