import type { World } from '../../local/index.ts';
import { drillStateMachineName, failoverStateMachineName } from '../../plan/names.ts';

/**
 * The lines that point the AWS CLI or an SDK at a running local world. Dummy credentials are
 * enough (the world checks that requests are signed, not who signed them).
 */
export function environmentLines(world: Pick<World, 'endpoint' | 'env' | 'plan'>): string[] {
  const names = [
    'AWS_ENDPOINT_URL',
    'AWS_REGION',
    'AWS_DEFAULT_REGION',
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    // The world's DNS server (Route 53's data plane for the hosted zone): drctl status reads it.
    'DRCTL_DNS_RESOLVER',
  ];
  return names
    .filter((name) => world.env[name] !== undefined)
    .map((name) => `export ${name}=${world.env[name]}`);
}

export function exampleCommands(world: Pick<World, 'endpoint' | 'plan'>): string[] {
  const { plan, endpoint } = world;
  const dr = plan.regions.dr;
  const service = plan.services[0];
  return [
    `aws rds describe-db-instances --endpoint-url ${endpoint} --region ${dr}`,
    ...(service
      ? [
          `aws ecs describe-services --cluster ${service.cluster} --services ${service.service} --endpoint-url ${endpoint} --region ${dr}`,
        ]
      : []),
    `aws route53 list-resource-record-sets --hosted-zone-id ${plan.dns.hostedZoneId} --endpoint-url ${endpoint}`,
    `aws stepfunctions list-executions --state-machine-arn arn:aws:states:${dr}:${plan.deployment?.account ?? '111111111111'}:stateMachine:${failoverStateMachineName(plan)} --endpoint-url ${endpoint} --region ${dr}`,
    `aws stepfunctions start-execution --state-machine-arn arn:aws:states:${dr}:${plan.deployment?.account ?? '111111111111'}:stateMachine:${drillStateMachineName(plan)} --input '{"mode":"drill","reason":"trying a drill","incidentId":"try-1","requestedBy":"me"}' --endpoint-url ${endpoint} --region ${dr}`,
    // The health monitor by hand: its report of both regions, as the schedule runs it.
    `aws lambda invoke --function-name ${plan.name}-health-monitor --endpoint-url ${endpoint} --region ${dr} /dev/stdout`,
    `npm run drctl -- status --endpoint ${endpoint}`,
  ];
}
