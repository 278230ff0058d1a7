import { Duration } from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { type IVpc, Peer, Port, SecurityGroup, SubnetType } from 'aws-cdk-lib/aws-ec2';
import {
  type ApplicationListener,
  ApplicationLoadBalancer,
  ApplicationProtocol,
  ApplicationTargetGroup,
  ListenerAction,
  ListenerCondition,
  SslPolicy,
  TargetType,
} from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { RegionalListener } from '../config/deploy-settings.ts';
import { acknowledge } from '../nag.ts';

export interface LoadBalancerProps {
  vpc: IVpc;
  logsBucket: IBucket;
  /** What the region's health URL needs: protocol, port, path (and the certificate for HTTPS). */
  listener: RegionalListener;
  targetPort: number;
  /**
   * The region no longer serves (deployment.activeRegion says the other one does): the listener
   * answers 503 itself and sends nothing to the tasks, so even a task started by hand takes no
   * traffic (and the region's health checks read it as down, as it is).
   */
  fenced?: boolean;
}

/**
 * The region's public entry: an internet-facing ALB with access logs, in the public subnets. Its
 * listener is the one the plan's health URL names, so the Route 53 health check and the probes
 * test what clients use: HTTPS on the URL's port (443 by default) with the plan's certificate and
 * HTTP 80 redirected to it, or plain HTTP on the URL's port. A redirect answers 301, which Route
 * 53 counts as healthy, so an http:// health URL is always forwarded, never redirected.
 */
export class LoadBalancer extends Construct {
  readonly alb: ApplicationLoadBalancer;
  readonly targetGroup: ApplicationTargetGroup;
  readonly listener: ApplicationListener;

  constructor(scope: Construct, id: string, props: LoadBalancerProps) {
    super(scope, id);
    const { listener } = props;
    const https = listener.protocol === 'HTTPS';
    if (https && !listener.certificateArn) {
      throw new Error(
        'LoadBalancer: an HTTPS listener needs a certificate (assertDeployable checks the plan first)',
      );
    }
    const redirect = https && listener.port !== 80;
    const securityGroup = new SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: `Public load balancer: ${listener.protocol} ${listener.port}${redirect ? ' (and HTTP 80, redirected)' : ''} from anywhere, out only to the tasks`,
      allowAllOutbound: false,
    });
    securityGroup.addIngressRule(
      Peer.anyIpv4(),
      Port.tcp(listener.port),
      `${listener.protocol} (the health URL's port)`,
    );
    if (redirect)
      securityGroup.addIngressRule(
        Peer.anyIpv4(),
        Port.tcp(80),
        `HTTP, redirected to HTTPS ${listener.port}`,
      );
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
        path: listener.healthPath,
        interval: Duration.seconds(10),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 3,
        timeout: Duration.seconds(5),
      },
    });
    const serve = props.fenced
      ? {
          defaultAction: ListenerAction.fixedResponse(503, {
            contentType: 'text/plain',
            messageBody: 'This region is fenced by drctl: the application is served from the other region.',
          }),
        }
      : { defaultTargetGroups: [this.targetGroup] };
    this.listener = this.alb.addListener(https ? 'Https' : 'Http', {
      port: listener.port,
      protocol: https ? ApplicationProtocol.HTTPS : ApplicationProtocol.HTTP,
      ...(https
        ? {
            sslPolicy: SslPolicy.RECOMMENDED_TLS,
            certificates: [
              Certificate.fromCertificateArn(this, 'Certificate', listener.certificateArn as string),
            ],
          }
        : {}),
      ...serve,
      open: false,
    });
    if (props.fenced) {
      // ECS only registers a service with a target group that belongs to a listener, so the group
      // stays attached through a rule no client can match: 255.255.255.255 (limited broadcast) is
      // never the source of a TCP connection. A header or host condition could be spoofed.
      this.listener.addTargetGroups('Parked', {
        targetGroups: [this.targetGroup],
        priority: 1,
        conditions: [ListenerCondition.sourceIps(['255.255.255.255/32'])],
      });
    }
    if (redirect) {
      this.alb.addListener('HttpRedirect', {
        port: 80,
        open: false,
        defaultAction: ListenerAction.redirect({
          protocol: 'HTTPS',
          port: String(listener.port),
          permanent: true,
        }),
      });
    }
  }
}
