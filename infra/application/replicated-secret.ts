import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { AwsCustomResource, AwsCustomResourcePolicy, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import { Construct, type IConstruct } from 'constructs';
import { acknowledge } from '../nag.ts';

/**
 * A Secrets Manager replica in this region, found by name at deploy time. ECS injects a secret's
 * JSON field only from its complete ARN (with the random suffix Secrets Manager adds); a name or
 * partial ARN makes the tasks fail to start, which for the pilot light would mean at failover.
 * A small deploy-time lookup (DescribeSecret) resolves the complete ARN.
 */
export class ReplicatedSecret extends Construct {
  readonly secret: ISecret;

  constructor(scope: Construct, id: string, props: { secretName: string }) {
    super(scope, id);
    const stack = Stack.of(this);
    const support = LookupSupport.of(stack);
    const lookup = new AwsCustomResource(this, 'Lookup', {
      onUpdate: {
        service: 'SecretsManager',
        action: 'describeSecret',
        parameters: { SecretId: props.secretName },
        physicalResourceId: PhysicalResourceId.of(props.secretName),
        outputPaths: ['ARN'],
      },
      policy: AwsCustomResourcePolicy.fromSdkCalls({
        resources: [
          `arn:aws:secretsmanager:${stack.region}:${stack.account}:secret:${props.secretName}-??????`,
        ],
      }),
      role: support.role,
      logGroup: support.logGroup,
      memorySize: 256,
      timeout: Duration.minutes(1),
      installLatestAwsSdk: false,
    });
    support.acknowledgeProvider();
    this.secret = Secret.fromSecretCompleteArn(this, 'Secret', lookup.getResponseField('ARN'));
  }
}

/** The role and log group the stack's single lookup function shares (one per stack, like the function). */
class LookupSupport extends Construct {
  static of(stack: Stack): LookupSupport {
    return (
      (stack.node.tryFindChild('SecretLookupSupport') as LookupSupport | undefined) ??
      new LookupSupport(stack, 'SecretLookupSupport')
    );
  }

  readonly role: Role;
  readonly logGroup: LogGroup;
  private acknowledged = false;

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Deploy-time lookup of replicated secret ARNs (secretsmanager:DescribeSecret only)',
    });
    this.logGroup.grantWrite(this.role);
  }

  /** The provider function is created by CDK at stack level with the first lookup. */
  acknowledgeProvider(): void {
    if (this.acknowledged) return;
    const provider: IConstruct | undefined = Stack.of(this).node.tryFindChild(
      `AWS${AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`,
    );
    if (!provider) throw new Error('AwsCustomResource provider function not found');
    acknowledge(
      provider,
      'Serverless-LambdaDLQ',
      'CloudFormation waits for this deploy-time lookup and fails the deployment if it fails; a dead-letter queue would add nothing.',
    );
    acknowledge(
      provider,
      'Serverless-LambdaTracing',
      'A deploy-time lookup that runs once per deployment, not part of the failover path; tracing it would only add X-Ray permissions on "*".',
    );
    this.acknowledged = true;
  }
}
