import type {
  AssessOutput,
  DnsOutput,
  NotifyInput,
  PreflightOutput,
  PromoteOutput,
  ScaleOutput,
  VerifyOutput,
} from '../../../../functions/shared/contracts.ts';
import { loadPlanFile } from '../../../../plan/load.ts';

export const referencePlanPath = new URL('../../../../drctl.plan.yaml', import.meta.url).pathname;
export const plan = loadPlanFile(referencePlanPath);
export const TOPIC_ARN = 'arn:aws:sns:us-west-2:111111111111:shop-dr-events';

export const NOW = new Date('2026-03-01T12:11:42.000Z');
/** 11 min 42 s before NOW. */
export const EXECUTION_START = '2026-03-01T12:00:00.000Z';
const at = (minute: number, second = 0) =>
  `2026-03-01T12:${String(minute).padStart(2, '0')}:${String(second).padStart(2, '0')}.000Z`;

export const request = {
  mode: 'failover' as const,
  reason: 'us-east-1 outage: ALB 5xx and RDS unreachable',
  incidentId: 'INC-42',
  requestedBy: 'alice@example.com',
};

export const preflightOutput: PreflightOutput = {
  checkedAt: at(0, 4),
  request,
  trigger: {
    alarm: null,
    region: null,
    path: null,
    state: null,
    changedAt: null,
    detail:
      'started by hand (alice@example.com); no detection alarm was in ALARM: the detection time is unknown',
  },
  databases: [
    {
      id: 'orders',
      identifier: 'shop-orders-replica',
      readiness: 'replica-ready',
      lastActiveLagSeconds: 7,
      lagObservedAt: at(0),
    },
    {
      id: 'catalog',
      identifier: 'shop-catalog-replica',
      readiness: 'replica-ready',
      lastActiveLagSeconds: 2,
      lagObservedAt: at(0),
    },
  ],
  services: [
    { id: 'web', cluster: 'shop-dr', service: 'shop-web', desiredCount: 0, drDesiredCount: 2 },
    { id: 'api', cluster: 'shop-dr', service: 'shop-api', desiredCount: 0, drDesiredCount: 2 },
    { id: 'worker', cluster: 'shop-dr', service: 'shop-worker', desiredCount: 0, drDesiredCount: 1 },
  ],
  dns: { record: 'www.shop.example.com', currentValue: 'primary.shop.example.com', pointsTo: 'primary' },
  rpo: { budgetSeconds: 60, worstLagSeconds: 7, verdict: 'within', offences: [] },
  decision: { required: false, reasons: [] },
  estimatedRecoverySeconds: 450,
  changes: [
    {
      resource: 'rds:us-west-2:shop-orders-replica',
      action: 'promote the read replica to a standalone, writable instance',
      before: 'read replica of shop-orders (us-east-1), available',
      after: 'standalone instance, replication from the primary stopped for good',
    },
    {
      resource: 'route53:Z0SHOPEXAMPLE00000001:www.shop.example.com CNAME',
      action: 'UPSERT the record to the DR target',
      before: 'primary.shop.example.com',
      after: 'dr.shop.example.com',
    },
  ],
  timing: {
    promotionPollSeconds: 30,
    promotionMaxPolls: 120,
    servicePollSeconds: 15,
    serviceMaxPolls: 80,
    dnsPollSeconds: 10,
    dnsMaxPolls: 60,
    approvalPollSeconds: 30,
    approvalMaxPolls: 60,
    fencePollSeconds: 10,
    fenceMaxPolls: 360,
  },
};

const promotion = (databaseId: string, identifier: string, alreadyPromoted = false): PromoteOutput => ({
  databaseId,
  identifier,
  status: 'available',
  done: true,
  alreadyPromoted,
  startedAt: at(0, 10),
  completedAt: at(7, 40),
  attempt: 15,
});

const scaling = (serviceId: string, service: string, count: number): ScaleOutput => ({
  serviceId,
  cluster: 'shop-dr',
  service,
  desiredCount: count,
  runningCount: count,
  pendingCount: 0,
  rolloutState: 'COMPLETED',
  stoppedReasons: [],
  done: true,
  alreadyScaled: false,
  startedAt: at(0, 10),
  completedAt: at(2, 5),
  attempt: 6,
});

export const recovery: [PromoteOutput[], ScaleOutput[]] = [
  [promotion('orders', 'shop-orders-replica'), promotion('catalog', 'shop-catalog-replica', true)],
  [scaling('web', 'shop-web', 2), scaling('api', 'shop-api', 2), scaling('worker', 'shop-worker', 1)],
];

export const dnsOutput: DnsOutput = {
  via: 'route53-api',
  record: 'www.shop.example.com',
  before: 'primary.shop.example.com',
  after: 'dr.shop.example.com',
  changeId: 'C0123456789',
  status: 'INSYNC',
  done: true,
  alreadySwitched: false,
  submittedAt: at(7, 45),
  insyncAt: at(8, 30),
  attempt: 4,
};

export const verification: VerifyOutput = {
  url: 'https://dr.shop.example.com/health',
  httpStatus: 200,
  verifiedAt: at(11, 40),
  dns: {
    record: 'www.shop.example.com',
    answer: 'dr.shop.example.com',
    trafficTo: 'dr',
    detail: 'DNS answers dr.shop.example.com for www.shop.example.com',
  },
};

export const assessment: AssessOutput = {
  assessedAt: at(11, 41),
  changes: [
    {
      resource: 'rds:us-west-2:shop-orders-replica',
      action: 'promoted',
      before: 'read replica of shop-orders (us-east-1)',
      after: 'standalone instance, available',
    },
    {
      resource: 'ecs:us-west-2:shop-dr/shop-web',
      action: 'scaled up',
      before: 'desiredCount 0 (pilot light)',
      after: 'desiredCount 2, running 2',
    },
  ],
  unknown: [
    'ecs:us-west-2:shop-dr/shop-api (DescribeServices ecs:us-west-2:shop-dr/shop-api: ThrottlingException)',
  ],
};

export function notifyInput(overrides: Partial<NotifyInput> & Pick<NotifyInput, 'event'>): NotifyInput {
  return { correlationId: 'exec-42', executionStartTime: EXECUTION_START, request, ...overrides };
}

/** Cause as Lambda writes it for a function error. */
export const lambdaCause = (errorType: string, errorMessage: string) =>
  JSON.stringify({
    errorType,
    errorMessage,
    trace: [`${errorType}: ${errorMessage}`, '    at handler (/var/task/index.cjs:1:1)'],
  });
