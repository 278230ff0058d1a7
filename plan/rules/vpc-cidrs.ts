import type { Plan } from '../schema.ts';
import { type PlanProblem, problem } from './problem.ts';

const ROLES = ['primary', 'dr'] as const;

/** Amazon VPC User Guide, "VPC CIDR blocks": an IPv4 VPC block is between /16 and /28. */
export const VPC_PREFIX_RANGE = { largest: 16, smallest: 28 } as const;

/**
 * The subnets the CDK app cuts from each VPC, per availability zone, in the order it allocates
 * them (infra/application/network.ts: public /24, private /22, isolated /24). CDK allocates each
 * group's subnets one after the other, each aligned to its own size, and fails synth with a
 * stack trace when they do not fit; tests/infra/plan-stack-size.test.ts checks this against a synth.
 */
export const SUBNET_PREFIXES_PER_ZONE: readonly number[] = [24, 22, 24];
const DEFAULT_ZONE_COUNT = 2;

/** Ranges no VPC can use: this network, loopback, link-local, multicast and reserved. */
const UNUSABLE: readonly { cidr: string; what: string }[] = [
  { cidr: '0.0.0.0/8', what: '"this network"' },
  { cidr: '127.0.0.0/8', what: 'loopback' },
  { cidr: '169.254.0.0/16', what: 'link-local' },
  { cidr: '224.0.0.0/3', what: 'multicast and reserved' },
];

interface Block {
  start: number;
  prefix: number;
}

export function vpcCidrProblems(plan: Plan): PlanProblem[] {
  const cidrs = plan.deployment?.vpcCidrs;
  if (!cidrs) return [];
  const problems: PlanProblem[] = [];
  const blocks: Partial<Record<(typeof ROLES)[number], Block>> = {};
  for (const role of ROLES) {
    const field = `deployment.vpcCidrs.${role}`;
    const text = cidrs[role];
    const block = parseCidr(text);
    if (!block) {
      problems.push(
        problem(field, `found "${text}", not an IPv4 CIDR block; allowed: a block such as 10.10.0.0/16`),
      );
      continue;
    }
    const aligned = block.start - (block.start % size(block.prefix));
    if (aligned !== block.start) {
      problems.push(
        problem(
          field,
          `found "${text}", whose address has host bits set; EC2 takes the network address; allowed: ${formatIp(aligned)}/${block.prefix}`,
        ),
      );
      continue;
    }
    if (block.prefix < VPC_PREFIX_RANGE.largest || block.prefix > VPC_PREFIX_RANGE.smallest) {
      problems.push(
        problem(
          field,
          `found a /${block.prefix} block; a VPC's block is between /${VPC_PREFIX_RANGE.largest} and /${VPC_PREFIX_RANGE.smallest}`,
        ),
      );
      continue;
    }
    const unusable = UNUSABLE.find((range) => overlaps(block, parseCidr(range.cidr) as Block));
    if (unusable) {
      problems.push(
        problem(
          field,
          `found "${text}", inside the ${unusable.what} range ${unusable.cidr}; allowed: a private block such as 10.10.0.0/16`,
        ),
      );
      continue;
    }
    const zones = plan.deployment?.availabilityZones?.[role].length ?? DEFAULT_ZONE_COUNT;
    const needed = subnetSpace(zones);
    if (needed > size(block.prefix)) {
      problems.push(
        problem(
          field,
          `found a /${block.prefix} block (${size(block.prefix)} addresses); the app's subnets in ${zones} availability zones need ${needed}; allowed: a /${prefixFor(needed)} block or larger`,
        ),
      );
      continue;
    }
    blocks[role] = block;
  }
  if (blocks.primary && blocks.dr && overlaps(blocks.primary, blocks.dr)) {
    problems.push(
      problem(
        'deployment.vpcCidrs.dr',
        `found "${cidrs.dr}", which overlaps deployment.vpcCidrs.primary ("${cidrs.primary}"): the regions' networks could never be routed to each other (peering, replication over private links); allowed: a block apart from the primary's`,
      ),
    );
  }
  return problems;
}

/** Addresses the subnets of `zones` zones take when each is aligned to its own size. */
export function subnetSpace(zones: number): number {
  let next = 0;
  for (const prefix of SUBNET_PREFIXES_PER_ZONE) {
    const block = size(prefix);
    for (let zone = 0; zone < zones; zone++) {
      next = Math.ceil(next / block) * block + block;
    }
  }
  return next;
}

function parseCidr(text: string): Block | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((octet) => octet > 255) || prefix > 32) return undefined;
  const start = octets.reduce((sum, octet) => sum * 256 + octet, 0);
  return { start, prefix };
}

function size(prefix: number): number {
  return 2 ** (32 - prefix);
}

function overlaps(a: Block, b: Block): boolean {
  return a.start < b.start + size(b.prefix) && b.start < a.start + size(a.prefix);
}

function prefixFor(addresses: number): number {
  return 32 - Math.ceil(Math.log2(addresses));
}

function formatIp(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}
