import { ROUTE53_METRICS_REGION } from '../../plan/names.ts';
import { Application } from '../application.ts';
import { CloudWatchModel } from '../cloudwatch/model.ts';
import type { WorldContext } from '../context.ts';
import { EcsModel } from '../ecs/model.ts';
import type { Endpoints } from '../endpoints.ts';
import { createFaults, type FaultState } from '../faults.ts';
import { LambdaModel } from '../lambda/model.ts';
import { RdsModel } from '../rds/model.ts';
import { type HealthCheck, HealthChecks } from '../route53/health-checks.ts';
import { Route53Model } from '../route53/model.ts';
import { S3Model } from '../s3/model.ts';
import { SecretsManagerModel } from '../secretsmanager/model.ts';
import { SnsModel } from '../sns/model.ts';
import { SsmModel } from '../ssm/model.ts';
import { deployDrctlResources } from './deployment.ts';
import { deployDrillResources } from './drill-deployment.ts';

export type WorldFaults = FaultState;

export interface WorldModels {
  rds: RdsModel;
  ecs: EcsModel;
  route53: Route53Model;
  cloudWatch: CloudWatchModel;
  sns: SnsModel;
  ssm: SsmModel;
  secrets: SecretsManagerModel;
  s3: S3Model;
  lambda: LambdaModel;
  healthChecks: HealthChecks;
  application: Application;
  fault: WorldFaults;
  /** The Route 53 health check on the primary endpoint (the fast detection path watches it). */
  primaryCheck: HealthCheck;
}

/**
 * The service models and the links between them, as AWS links them: RDS publishes ReplicaLag
 * and the Route 53 health checkers publish HealthCheckStatus to CloudWatch (us-east-1), the DNS
 * answers follow the health checks, the faults decide which regions and applications answer and
 * which DNS changes are rejected; then drctl's alarms and gate are deployed as the CDK app does.
 */
export function buildModels(
  context: WorldContext,
  endpoints: Endpoints,
  setRegionState: (isUp: (region: string) => boolean) => void,
): WorldModels {
  const { plan } = context;
  const rds = new RdsModel(context);
  const ecs = new EcsModel(context);
  const route53 = new Route53Model(context);
  const cloudWatch = new CloudWatchModel(context);
  const sns = new SnsModel(context);
  const ssm = new SsmModel(context);
  const secrets = new SecretsManagerModel(context);
  const s3 = new S3Model(context);
  const lambda = new LambdaModel(context);
  const application = new Application(context, ecs);
  const fault = createFaults(
    context,
    { rds, ecs },
    {
      onRegionChange: (region, up, at) => {
        if (region === plan.regions.primary) rds.primaryRegionReachable(up, at);
        application.regionChanged(region, up, at);
      },
    },
  );
  setRegionState(fault.isRegionUp);
  application.endpointUp = fault.isApplicationUp;
  route53.rejectChange = fault.nextDnsRejection;
  rds.onReplicaLag = (region, identifier, value, at) =>
    cloudWatch.putValue(
      region,
      'AWS/RDS',
      'ReplicaLag',
      [{ Name: 'DBInstanceIdentifier', Value: identifier }],
      value,
      at,
      'Seconds',
    );
  const healthChecks = new HealthChecks(context, endpoints.appUrls, (role) => application.probe(role));
  healthChecks.onStatus = (check, value, at) =>
    cloudWatch.putValue(
      ROUTE53_METRICS_REGION,
      'AWS/Route53',
      'HealthCheckStatus',
      [{ Name: 'HealthCheckId', Value: check.id }],
      value,
      at,
    );
  route53.healthCheckExists = (id) => healthChecks.find(id) !== undefined;
  // Stamped from the status change itself, not from when the (possibly late) action ran.
  healthChecks.onHealthChange = (check, healthy, at) =>
    context.scheduler.at(at + context.timings.healthToDnsSeconds * 1000, (due) =>
      route53.healthVisible(check.id, healthy, due),
    );
  const primaryCheck = healthChecks.checks.find((check) => check.role === 'primary');
  if (!primaryCheck) throw new Error('no primary health check');
  deployDrctlResources(plan, { cloudWatch, healthChecks, primaryCheck });
  deployDrillResources(plan, context.account, { cloudWatch, healthChecks, s3 });
  return {
    rds,
    ecs,
    route53,
    cloudWatch,
    sns,
    ssm,
    secrets,
    s3,
    lambda,
    healthChecks,
    application,
    fault,
    primaryCheck,
  };
}
