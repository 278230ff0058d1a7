import { CfnHealthCheck } from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import type { Plan } from '../../plan/schema.ts';
import type { RegionRole } from '../config/plan-environment.ts';

/**
 * A Route 53 health check on each region's application endpoint (plan.application.<region>.healthUrl),
 * at the plan's interval and failure threshold. They are not attached to the public record: they
 * feed the detection alarm and the dashboard, and DNS moves only when drctl moves it.
 */
export class EndpointHealthChecks extends Construct {
  readonly healthChecks: Record<RegionRole, CfnHealthCheck>;

  constructor(scope: Construct, id: string, props: { plan: Plan }) {
    super(scope, id);
    const { plan } = props;
    const check = (role: RegionRole) => {
      const url = new URL(plan.application[role].healthUrl);
      const https = url.protocol === 'https:';
      return new CfnHealthCheck(this, role === 'primary' ? 'Primary' : 'Dr', {
        healthCheckConfig: {
          type: https ? 'HTTPS' : 'HTTP',
          fullyQualifiedDomainName: url.hostname,
          port: url.port ? Number(url.port) : https ? 443 : 80,
          resourcePath: `${url.pathname}${url.search}` || '/',
          requestInterval: plan.detection.healthCheck.intervalSeconds,
          failureThreshold: plan.detection.healthCheck.failureThreshold,
          ...(https ? { enableSni: true } : {}),
        },
        healthCheckTags: [
          { key: 'Name', value: `${plan.name}-${role}` },
          { key: 'drctl:plan', value: plan.name },
        ],
      });
    };
    this.healthChecks = { primary: check('primary'), dr: check('dr') };
  }
}
