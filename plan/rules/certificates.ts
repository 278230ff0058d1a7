import type { Plan } from '../schema.ts';
import { type PlanProblem, problem } from './problem.ts';

const ROLES = ['primary', 'dr'] as const;
const CERTIFICATE_ARN =
  /^arn:aws:acm:([a-z]{2}-[a-z]+-\d+):(\d{12}):certificate\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The certificates of the load balancers' HTTPS listeners. A load balancer uses an ACM
 * certificate of its own Region and account, so each ARN must be of that form, Region and
 * account. An https:// health URL needs its region's certificate: without one the load balancer
 * listens on HTTP:80 only, the Route 53 health check on HTTPS:443 fails from the first minute,
 * and with failover.trigger automatic a fresh deploy would fail itself over.
 */
export function certificateProblems(plan: Plan): PlanProblem[] {
  const problems: PlanProblem[] = [];
  const account = plan.deployment?.account;
  for (const role of ROLES) {
    const region = plan.regions[role];
    const arn = plan.deployment?.certificateArns?.[role];
    const field = `deployment.certificateArns.${role}`;
    const example = `arn:aws:acm:${region}:${account ?? '<account>'}:certificate/<certificate id>`;
    if (arn === undefined) {
      const url = plan.application[role].healthUrl;
      if (url.toLowerCase().startsWith('https:')) {
        problems.push(
          problem(
            field,
            `is required: application.${role}.healthUrl is https:// and the ${role} load balancer needs an ACM certificate in ${region} to listen on HTTPS:443; allowed: ${example}, or an http:// health URL`,
          ),
        );
      }
      continue;
    }
    const match = CERTIFICATE_ARN.exec(arn);
    if (!match) {
      problems.push(problem(field, `found "${arn}", not an ACM certificate ARN; allowed: ${example}`));
      continue;
    }
    if (match[1] !== region) {
      problems.push(
        problem(
          field,
          `found a certificate in ${match[1]}; a load balancer uses certificates of its own Region; allowed: a certificate in regions.${role} (${region})`,
        ),
      );
    }
    if (account !== undefined && match[2] !== account) {
      problems.push(
        problem(
          field,
          `found a certificate of account ${match[2]}; the load balancer uses certificates of its own account; allowed: a certificate of deployment.account (${account})`,
        ),
      );
    }
  }
  return problems;
}
