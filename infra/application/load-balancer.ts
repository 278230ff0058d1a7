import { Duration } from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { type IVpc, Peer, Port, SecurityGroup, SubnetType } from 'aws-cdk-lib/aws-ec2';
import {
  type ApplicationListener,
  ApplicationLoadBalancer,
  ApplicationProtocol,
  ApplicationTargetGroup,
  ListenerAction,
  SslPolicy,
  TargetType,
} from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge } from '../nag.ts';

export interface LoadBalancerProps {
  vpc: IVpc;
  logsBucket: IBucket;
  /** With a certificate the ALB serves HTTPS on 443 and redirects 80; without, plain HTTP on 80. */
  certificateArn: string | undefined;
  targetPort: number;
  healthCheckPath: string;
}

/** The region's public entry: an internet-facing ALB with access logs, in the public subnets. */
export class LoadBalancer extends Construct {
  readonly alb: ApplicationLoadBalancer;
  readonly targetGroup: ApplicationTargetGroup;
  readonly listener: ApplicationListener;

  constructor(scope: Construct, id: string, props: LoadBalancerProps) {
    super(scope, id);
    const securityGroup = new SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Public load balancer: HTTP(S) from anywhere, out only to the tasks',
      allowAllOutbound: false,
    });
    const https = props.certificateArn !== undefined;
    securityGroup.addIngressRule(
      Peer.anyIpv4(),
      Port.tcp(80),
      'HTTP (redirected to HTTPS when a certificate is set)',
    );
    if (https) securityGroup.addIngressRule(Peer.anyIpv4(), Port.tcp(443), 'HTTPS');
    acknowledge(
      securityGroup,
      'AwsSolutions-EC23',
      'Internet-facing load balancer of a public web application: it must accept HTTP(S) from any address. Tasks and database are not reachable from outside.',
    );

    this.alb = new ApplicationLoadBalancer(this, 'Alb', {
      vpc: props.vpc,
      internetFacing: true,
      vpcSubnets: { subnetType: SubnetType.PUBLIC },
      securityGroup,
      dropInvalidHeaderFields: true,
    });
    this.alb.logAccessLogs(props.logsBucket, 'alb');

    this.targetGroup = new ApplicationTargetGroup(this, 'Targets', {
      vpc: props.vpc,
      port: props.targetPort,
      protocol: ApplicationProtocol.HTTP,
      targetType: TargetType.IP,
      deregistrationDelay: Duration.seconds(30),
      healthCheck: {
        path: props.healthCheckPath,
        interval: Duration.seconds(10),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 3,
        timeout: Duration.seconds(5),
      },
    });
    if (props.certificateArn) {
      this.listener = this.alb.addListener('Https', {
        port: 443,
        protocol: ApplicationProtocol.HTTPS,
        sslPolicy: SslPolicy.RECOMMENDED_TLS,
        certificates: [Certificate.fromCertificateArn(this, 'Certificate', props.certificateArn)],
        defaultTargetGroups: [this.targetGroup],
        open: false,
      });
      this.alb.addListener('HttpRedirect', {
        port: 80,
        open: false,
        defaultAction: ListenerAction.redirect({ protocol: 'HTTPS', port: '443', permanent: true }),
      });
    } else {
      this.listener = this.alb.addListener('Http', {
        port: 80,
        protocol: ApplicationProtocol.HTTP,
        defaultTargetGroups: [this.targetGroup],
        open: false,
      });
    }
  }
}
