import { Construct } from 'constructs';
import { AssetsBucket } from './assets-bucket.ts';
import { LogsBucket } from './logs-bucket.ts';
import { Network } from './network.ts';

export interface RegionFoundationProps {
  cidr: string;
  natGateways: number;
  azCount: number;
  assetsBucketName: string;
  replicateAssetsTo?: { bucketName: string; region: string; alarmNames: { failed: string; late: string } };
  /** VPC endpoints for the tasks (the DR region's pilot light). */
  vpcEndpoints?: boolean;
  /** Buckets of other stacks that log their accesses to this region's log bucket (the evidence bucket). */
  logSourceBucketNames?: readonly string[];
}

/** What a region needs before its application: the network, the log bucket and the assets bucket. */
export class RegionFoundation extends Construct {
  readonly network: Network;
  readonly logs: LogsBucket;
  readonly assets: AssetsBucket;

  constructor(scope: Construct, id: string, props: RegionFoundationProps) {
    super(scope, id);
    this.network = new Network(this, 'Network', {
      cidr: props.cidr,
      natGateways: props.natGateways,
      azCount: props.azCount,
      endpoints: props.vpcEndpoints ?? false,
    });
    this.logs = new LogsBucket(this, 'Logs', {
      ...(props.logSourceBucketNames ? { logSourceBucketNames: props.logSourceBucketNames } : {}),
    });
    this.assets = new AssetsBucket(this, 'Assets', {
      bucketName: props.assetsBucketName,
      logsBucket: this.logs.bucket,
      ...(props.replicateAssetsTo ? { replicateTo: props.replicateAssetsTo } : {}),
    });
  }
}
