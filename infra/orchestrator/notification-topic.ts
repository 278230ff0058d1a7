import { Lazy, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct, type IConstruct } from 'constructs';
import { acknowledge } from '../nag.ts';

export interface NotificationTopicProps {
  topicName: string;
  emails: readonly string[];
  /** Messages SNS could not deliver to a subscriber. */
  deadLetterQueue: IQueue;
}

/**
 * The topic people hear from drctl on, encrypted with a customer-managed key.
 *
 * Who may publish, and how each is scoped:
 * - CloudWatch alarms of this stack, through `alarmAction(name)`: the topic policy and the key
 *   policy allow `cloudwatch.amazonaws.com` only with aws:SourceAccount = this account and
 *   aws:SourceArn = the ARN of one of those named alarms (confused-deputy protection), and the key
 *   only for this topic's encryption context. A topic policy replaces SNS's default policy, so
 *   without the Allow no alarm could publish at all (the TLS-only Deny alone blocks them).
 * - EventBridge rules publish with an IAM role of their own (`SnsTopic` with a role): SNS's
 *   developer guide says aws:SourceAccount/aws:SourceArn are not supported in a KMS key policy for
 *   EventBridge-to-encrypted-topic delivery, so a service-principal key statement could not carry
 *   them; a role needs none. The topic policy still names the rules that may publish.
 * - The notify function, through its role (grantPublish).
 * Every request without TLS is denied (enforceSSL).
 */
export class NotificationTopic extends Construct {
  readonly topic: Topic;
  readonly key: Key;
  private readonly alarmArns: string[] = [];
  private readonly ruleArns: string[] = [];

  constructor(scope: Construct, id: string, props: NotificationTopicProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const topicArn = `arn:${stack.partition}:sns:${stack.region}:${stack.account}:${props.topicName}`;
    this.key = new Key(this, 'Key', {
      description: `Encrypts the ${props.topicName} topic (drctl notifications)`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
    // Lazy: alarms register after the key exists; their ARNs are strings built from their names,
    // so the key does not depend on the alarms (which depend on the topic, which needs the key).
    const alarmArns = Lazy.list({ produce: () => this.alarmArns });
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowDrctlAlarmsToEncryptNotifications',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: {
          StringEquals: {
            'aws:SourceAccount': stack.account,
            'kms:EncryptionContext:aws:sns:topicArn': topicArn,
          },
          ArnEquals: { 'aws:SourceArn': alarmArns },
        },
      }),
    );
    this.topic = new Topic(this, 'Topic', {
      topicName: props.topicName,
      masterKey: this.key,
      enforceSSL: true,
    });
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowDrctlAlarmsToPublish',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnEquals: { 'aws:SourceArn': alarmArns },
        },
      }),
    );
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowDrctlRulesToPublish',
        principals: [new ServicePrincipal('events.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnEquals: { 'aws:SourceArn': Lazy.list({ produce: () => this.ruleArns }) },
        },
      }),
    );
    // One subscription per address: SNS would keep one anyway, and CDK refuses two of the same id.
    for (const email of new Set(props.emails.map((address) => address.trim().toLowerCase()))) {
      this.topic.addSubscription(new EmailSubscription(email, { deadLetterQueue: props.deadLetterQueue }));
    }
  }

  /** The alarm action that notifies this topic, for the alarm of that name in this stack's region. */
  alarmAction(alarmName: string): IAlarmAction {
    const stack = Stack.of(this);
    this.alarmArns.push(
      `arn:${stack.partition}:cloudwatch:${stack.region}:${stack.account}:alarm:${alarmName}`,
    );
    return new SnsAction(this.topic);
  }

  /** Names an EventBridge rule of this stack's region that may publish (it also needs a role). */
  allowRule(ruleName: string): void {
    const stack = Stack.of(this);
    this.ruleArns.push(`arn:${stack.partition}:events:${stack.region}:${stack.account}:rule/${ruleName}`);
  }

  /** The role an EventBridge SnsTopic target creates to publish: KMS actions on this key only. */
  acknowledgePublisherRole(rule: IConstruct): void {
    acknowledge(
      rule,
      'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      'The rule publishes to the SSE-KMS notification topic with its own role, which needs kms:GenerateDataKey* (the action family SNS encryption uses); the resource is the topic key only.',
    );
  }
}
