import type { Plan } from '../schema.ts';
import { type PlanProblem, problem } from './problem.ts';

const ROLES = ['primary', 'dr'] as const;
/** Route 53 API Reference, HealthCheckConfig: ResourcePath (path and query), at most 255 characters. */
export const ROUTE53_RESOURCE_PATH_MAX = 255;

/**
 * The health URLs Route 53 health checks and drctl's probes request. Route 53 takes the path and
 * query as ResourcePath (255 characters at most) and sends no credentials; credentials in a URL
 * would also be stored in plain text in the templates, the Lambda bundles and the reports.
 */
export function healthUrlProblems(plan: Plan): PlanProblem[] {
  const problems: PlanProblem[] = [];
  for (const role of ROLES) {
    const field = `application.${role}.healthUrl`;
    const text = plan.application[role].healthUrl;
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      continue; // the schema has already refused it
    }
    if (url.username !== '' || url.password !== '') {
      problems.push(
        problem(
          field,
          `contains credentials (user:password@${url.host}): Route 53 health checks send none, and the URL is stored in plain text in templates and reports; allowed: a URL without them, such as ${url.protocol}//${url.host}${url.pathname}`,
        ),
      );
    }
    const resourcePath = `${url.pathname}${url.search}`;
    if (resourcePath.length > ROUTE53_RESOURCE_PATH_MAX) {
      problems.push(
        problem(
          field,
          `has a path and query of ${resourcePath.length} characters; a Route 53 health check's ResourcePath holds at most ${ROUTE53_RESOURCE_PATH_MAX}; allowed: a shorter health path such as /health`,
        ),
      );
    }
  }
  return problems;
}
