import { InvalidPlanError } from '../../plan/errors.ts';
import type { Plan } from '../../plan/schema.ts';
import type { RegionRole } from './plan-environment.ts';

/**
 * What the CDK app needs of a plan beyond its schema, checked before any construct exists, so a
 * plan the app cannot deploy fails with the plan's error family (field, what was found, what is
 * allowed) instead of a stack trace from deep inside CDK. The plan loader refuses most of these
 * already; this keeps the app honest when it is given a plan object directly.
 */

const ROLES: RegionRole[] = ['primary', 'dr'];

/** Our subnet layout (2 x /24 public, 2 x /22 private, 2 x /24 isolated) needs at least a /20. */
const VPC_PREFIX = { min: 16, max: 20 };

/** Route 53 health checks accept a resource path of at most 255 characters. */
const MAX_HEALTH_PATH = 255;

/** RFC 3986 path and query characters; nothing a shell or curl's globbing could read as syntax matters in exec form. */
const HEALTH_PATH = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@%/?]*$/;

export interface RegionalListener {
  protocol: 'HTTP' | 'HTTPS';
  port: number;
  /** Path and query of the region's health URL. */
  healthPath: string;
  certificateArn: string | undefined;
}

/** A path (and query) of URL characters only, within Route 53's limit. */
export function isHealthPath(path: string): boolean {
  return path.length <= MAX_HEALTH_PATH && HEALTH_PATH.test(path);
}

/** The listener a region's load balancer needs so that its health URL (and Route 53's check of it) is served. */
export function regionalListener(plan: Plan, role: RegionRole): RegionalListener {
  const url = new URL(plan.application[role].healthUrl);
  const https = url.protocol === 'https:';
  return {
    protocol: https ? 'HTTPS' : 'HTTP',
    port: url.port ? Number(url.port) : https ? 443 : 80,
    healthPath: `${url.pathname}${url.search}` || '/',
    certificateArn: plan.deployment?.certificateArns?.[role],
  };
}

/** Every problem at once; throws InvalidPlanError when there is any. */
export function assertDeployable(plan: Plan): void {
  const issues = [...endpointIssues(plan), ...cidrIssues(plan)];
  if (issues.length === 0) return;
  const [first] = issues;
  throw new InvalidPlanError(
    `plan ${plan.name} cannot be deployed:\n  - ${issues.map((i) => `${i.field}: ${i.message}`).join('\n  - ')}`,
    issues.map((i) => `${i.field}: ${i.message}`),
    first?.field,
  );
}

interface Issue {
  field: string;
  message: string;
}

function endpointIssues(plan: Plan): Issue[] {
  const issues: Issue[] = [];
  for (const role of ROLES) {
    const listener = regionalListener(plan, role);
    const field = `application.${role}.healthUrl`;
    if (listener.protocol === 'HTTPS' && !listener.certificateArn) {
      issues.push({
        field: `deployment.certificateArns.${role}`,
        message: `${plan.application[role].healthUrl} is https://, so the ${role} load balancer needs an ACM certificate in ${plan.regions[role]} (or use an http:// health URL)`,
      });
    }
    if (listener.certificateArn && !certificateIn(listener.certificateArn, plan.regions[role])) {
      issues.push({
        field: `deployment.certificateArns.${role}`,
        message: `must be an ACM certificate ARN in ${plan.regions[role]} (arn:aws:acm:${plan.regions[role]}:<account>:certificate/<id>), found ${JSON.stringify(listener.certificateArn)}`,
      });
    }
    if (!isHealthPath(listener.healthPath)) {
      issues.push({
        field,
        message: `path and query must be at most ${MAX_HEALTH_PATH} URL characters (letters, digits, and - . _ ~ ! $ & ' ( ) * + , ; = : @ % / ?), found ${JSON.stringify(listener.healthPath)}`,
      });
    }
  }
  return issues;
}

function certificateIn(arn: string, region: string): boolean {
  return new RegExp(`^arn:aws[a-z-]*:acm:${region}:\\d{12}:certificate/[A-Za-z0-9-]+$`).test(arn);
}

function cidrIssues(plan: Plan): Issue[] {
  const cidrs = plan.deployment?.vpcCidrs;
  if (!cidrs) return [];
  return ROLES.flatMap((role) => {
    const cidr = cidrs[role];
    const problem = ipv4CidrProblem(cidr);
    return problem
      ? [{ field: `deployment.vpcCidrs.${role}`, message: `${problem}, found ${JSON.stringify(cidr)}` }]
      : [];
  });
}

/** Why a string is not an IPv4 CIDR block this app can use, or undefined. */
export function ipv4CidrProblem(cidr: string): string | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!match) return 'must be an IPv4 CIDR block such as 10.10.0.0/16';
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255)) return 'has an address octet above 255';
  if (prefix < VPC_PREFIX.min || prefix > VPC_PREFIX.max) {
    return `must have a prefix length from /${VPC_PREFIX.min} to /${VPC_PREFIX.max} (a VPC is /16 to /28, and the subnets need a /20)`;
  }
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  if (address % 2 ** (32 - prefix) !== 0)
    return `has host bits set for a /${prefix} (the network address must end in zeros)`;
  return undefined;
}
