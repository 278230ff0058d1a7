import { RemovalPolicy } from 'aws-cdk-lib';
import {
  FlowLogDestination,
  FlowLogTrafficType,
  GatewayVpcEndpointAwsService,
  InterfaceVpcEndpointAwsService,
  IpAddresses,
  Peer,
  Port,
  SubnetType,
  Vpc,
} from 'aws-cdk-lib/aws-ec2';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface NetworkProps {
  cidr: string;
  /** NAT gateways: one per AZ where tasks must survive an AZ loss, one for a pilot light. */
  natGateways: number;
  /** How many of the stack's availability zones to span (2 or more). */
  azCount: number;
  /**
   * VPC endpoints for what the tasks need to start (ECR API and registry, S3 for image layers,
   * CloudWatch Logs, Secrets Manager), so a failover's task starts do not all squeeze through
   * one NAT gateway or depend on it.
   */
  endpoints?: boolean;
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
    if (props.endpoints) this.addEndpoints(props.cidr);
    this.vpc.addFlowLog('FlowLog', {
      destination: FlowLogDestination.toCloudWatchLogs(flowLogs),
      trafficType: FlowLogTrafficType.ALL,
    });
  }

  private addEndpoints(cidr: string): void {
    const tasks = { subnetType: SubnetType.PRIVATE_WITH_EGRESS };
    this.vpc.addGatewayEndpoint('S3', { service: GatewayVpcEndpointAwsService.S3, subnets: [tasks] });
    const interfaces = {
      EcrApi: InterfaceVpcEndpointAwsService.ECR,
      EcrDocker: InterfaceVpcEndpointAwsService.ECR_DOCKER,
      Logs: InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
      SecretsManager: InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
    };
    for (const [id, service] of Object.entries(interfaces)) {
      // Private DNS: the SDKs and the ECS agent use the endpoints without any configuration.
      const endpoint = this.vpc.addInterfaceEndpoint(id, {
        service,
        subnets: tasks,
        privateDnsEnabled: true,
        open: false,
      });
      // HTTPS from this VPC's own range only (the plan's CIDR as text, so it is checkable at synth).
      endpoint.connections.allowFrom(Peer.ipv4(cidr), Port.tcp(443), 'HTTPS from this VPC');
    }
  }
}
