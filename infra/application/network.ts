import { RemovalPolicy } from 'aws-cdk-lib';
import { FlowLogDestination, FlowLogTrafficType, IpAddresses, SubnetType, Vpc } from 'aws-cdk-lib/aws-ec2';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface NetworkProps {
  cidr: string;
  /** NAT gateways: one per AZ where tasks must survive an AZ loss, one for a pilot light. */
  natGateways: number;
  /** How many of the stack's availability zones to span (2 or more). */
  azCount: number;
}

/**
 * A VPC over two (or the plan's) availability zones: public subnets for the load balancer and NAT, private subnets for tasks
 * (and the rotation function), isolated subnets for the database. All traffic is flow-logged.
 */
export class Network extends Construct {
  readonly vpc: Vpc;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    this.vpc = new Vpc(this, 'Vpc', {
      ipAddresses: IpAddresses.cidr(props.cidr),
      // The zones come from the stack (see FoundationStack): no AWS lookup at synth.
      maxAzs: props.azCount,
      natGateways: props.natGateways,
      // Nothing uses the default security group; closing it needs a custom-resource Lambda.
      restrictDefaultSecurityGroup: false,
      subnetConfiguration: [
        { name: 'public', subnetType: SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'private', subnetType: SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
        { name: 'isolated', subnetType: SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ],
    });
    const flowLogs = new LogGroup(this, 'FlowLogs', {
      retention: RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
    this.vpc.addFlowLog('FlowLog', {
      destination: FlowLogDestination.toCloudWatchLogs(flowLogs),
      trafficType: FlowLogTrafficType.ALL,
    });
  }
}
