import { z } from 'zod';

/**
 * The recovery plan: the one source of resource identities. Everything that names an AWS
 * resource (database identifiers, clusters, services, the hosted zone, records, the topic)
 * comes from here at deploy time, never from an execution's input.
 */

const regionName = z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'an AWS region name such as us-east-1');

const logicalId = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,39}$/, 'lowercase letters, digits and dashes, starting with a letter (max 40)');

// RDS: 1-63 letters, digits or hyphens; first a letter; no trailing hyphen or two hyphens in a row.
const dbInstanceIdentifier = z
  .string()
  .regex(
    /^[a-zA-Z](?!.*--)[a-zA-Z0-9-]{0,62}(?<!-)$/,
    'an RDS DB instance identifier (1-63 letters, digits, hyphens; starts with a letter)',
  );

// ECS cluster and service names: up to 255 letters, digits, hyphens and underscores.
const ecsName = z.string().regex(/^[a-zA-Z0-9_-]{1,255}$/, 'an ECS name (letters, digits, - and _)');

const dnsName = z
  .string()
  .regex(
    /^(?=.{1,253}\.?$)([a-zA-Z0-9_]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]{2,63}\.?$/,
    'a fully qualified domain name such as app.example.com',
  );

const httpUrl = z.url({ protocol: /^https?$/, error: 'an http:// or https:// URL' });

const regionalEndpoint = z
  .object({
    /** URL that answers 200 when the application in this region serves. */
    healthUrl: httpUrl,
    /** Regional DNS name the public record points at when this region serves (e.g. primary.app.example.com). */
    target: dnsName,
  })
  .strict();

export const databaseSchema = z
  .object({
    id: logicalId,
    engine: z.enum(['mysql', 'mariadb', 'postgres']),
    primary: z.object({ identifier: dbInstanceIdentifier, region: regionName }).strict(),
    replica: z.object({ identifier: dbInstanceIdentifier, region: regionName }).strict(),
  })
  .strict();

export const serviceSchema = z
  .object({
    id: logicalId,
    /** The pilot-light service in the DR region. */
    cluster: ecsName,
    service: ecsName,
    /** Tasks the DR service runs after failover. */
    drDesiredCount: z.number().int().min(1).max(1000),
    /** The same application service in the primary region. */
    primary: z
      .object({ cluster: ecsName, service: ecsName, desiredCount: z.number().int().min(1).max(1000) })
      .strict(),
  })
  .strict();

export const dnsSchema = z
  .object({
    hostedZoneId: z
      .string()
      .regex(/^Z[A-Z0-9]{1,31}$/, 'a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ'),
    zoneName: dnsName,
    /** The public record that moves from the primary to the DR region. */
    record: dnsName,
    type: z.literal('CNAME').default('CNAME'),
    /**
     * gate (default): two Route 53 failover records; the PRIMARY one is gated by a health check
     * that watches a CloudWatch alarm in the DR region over a drctl metric. Failing over is a
     * PutMetricData in the DR region: no Route 53 API call (data plane only).
     * simple: one record whose value moves from the primary target to the DR target.
     * weighted: two weighted records (set identifiers "primary" and "dr"); failover sets the
     * primary weight to 0 and the DR weight to 100 in one atomic change.
     * simple and weighted change records through the Route 53 API, whose control plane lives
     * only in us-east-1.
     */
    strategy: z.enum(['gate', 'simple', 'weighted']).default('gate'),
    ttl: z.number().int().min(0).max(86_400).default(60),
  })
  .strict();

export const detectionSchema = z
  .object({
    /** How often the health monitor runs. */
    scheduleMinutes: z.number().int().min(1).max(60).default(5),
    healthCheck: z
      .object({
        /** Route 53 allows 10 (fast) or 30 (standard) seconds. */
        intervalSeconds: z.union([z.literal(10), z.literal(30)]).default(10),
        /** Consecutive failed checks before unhealthy: Route 53 allows 1-10. */
        failureThreshold: z.number().int().min(1).max(10).default(3),
      })
      .strict()
      .default({ intervalSeconds: 10, failureThreshold: 3 }),
    alarm: z
      .object({
        periodSeconds: z
          .union([z.literal(10), z.literal(30), z.literal(60)])
          .or(z.number().int().min(60).multipleOf(60))
          .default(60),
        evaluationPeriods: z.number().int().min(1).max(100).default(1),
        datapointsToAlarm: z.number().int().min(1).max(100).default(1),
      })
      .strict()
      .default({ periodSeconds: 60, evaluationPeriods: 3, datapointsToAlarm: 2 }),
    /**
     * The detection path that needs nothing in the primary region or in us-east-1: a function in
     * the DR region probes application.primary.healthUrl every `scheduleMinutes` (EventBridge's
     * shortest rate is one minute) and an alarm in the DR region fires after `failedMinutes`
     * consecutive minutes of failed probes.
     */
    probe: z
      .object({
        scheduleMinutes: z.number().int().min(1).max(60).default(1),
        /** A probe slower than this counts as failed. */
        timeoutSeconds: z.number().int().min(1).max(30).default(5),
        failedMinutes: z.number().int().min(2).max(60).default(3),
      })
      .strict()
      .default({ scheduleMinutes: 1, timeoutSeconds: 5, failedMinutes: 3 }),
    /** How far back the RPO guard looks for the last replica lag observed while replication was active. */
    replicaLagLookbackSeconds: z.number().int().min(60).max(86_400).default(900),
  })
  .strict()
  .refine((d) => d.alarm.datapointsToAlarm <= d.alarm.evaluationPeriods, {
    path: ['alarm', 'datapointsToAlarm'],
    message: 'must not exceed alarm.evaluationPeriods',
  });

export const failoverSchema = z
  .object({
    /**
     * automatic: an alarm starts the failover; approval: an alarm starts a run that stops before
     * the point of no return and waits for a person's decision (drctl approve / deny).
     */
    trigger: z.enum(['automatic', 'approval']).default('automatic'),
    /** After a failover starts, further alarms start nothing for this long. */
    cooldownMinutes: z.number().int().min(0).max(10_080).default(60),
    /**
     * How long a run waits for a decision (trigger approval, or a replica lag the RPO guard
     * cannot accept) and how often it looks; at the timeout it stops without any change.
     */
    approval: z
      .object({
        timeoutMinutes: z.number().int().min(1).max(1_440).default(30),
        pollSeconds: z.number().int().min(5).max(600).default(30),
      })
      .strict()
      .default({ timeoutMinutes: 30, pollSeconds: 30 }),
    /** Polling intervals of the state machine's Wait states. */
    pollSeconds: z
      .object({
        promotion: z.number().int().min(1).max(600).default(10),
        service: z.number().int().min(1).max(600).default(15),
        dns: z.number().int().min(1).max(600).default(10),
        /** How often the run tries to fence the old primary while its region does not answer. */
        fence: z.number().int().min(5).max(600).default(5),
      })
      .strict()
      .default({ promotion: 10, service: 15, dns: 10, fence: 5 }),
  })
  .strict();

// EventBridge schedule expressions: rate(N minute[s]|hour[s]|day[s]) or cron(six fields).
const scheduleExpression = z
  .string()
  .regex(
    /^(rate\((1 (minute|hour|day)|[1-9]\d* (minutes|hours|days))\)|cron\((\S+ ){5}\S+\))$/,
    'an EventBridge schedule expression such as "cron(0 3 ? * SUN *)" or "rate(7 days)"',
  );

export const drillsSchema = z
  .object({
    /** When drills start on their own (an EventBridge schedule in the DR region); absent = by hand only. */
    schedule: scheduleExpression.optional(),
    /** The DNS name a drill switches and verifies through; default drill.<dns.zoneName>. */
    recordName: dnsName.optional(),
    /** The whole drill, copies included (the drill state machine's TimeoutSeconds). */
    timeoutMinutes: z.number().int().min(30).max(1_440).default(180),
    /** How often creating and deleting the drill copies is polled. */
    copyPollSeconds: z.number().int().min(5).max(600).default(30),
    /**
     * The write canary: a heartbeat row (sequence, time) in each primary database every
     * `intervalSeconds`, so that a drill measures its data-loss window exactly. Off unless enabled.
     */
    canary: z
      .object({
        enabled: z.boolean().default(false),
        intervalSeconds: z.number().int().min(1).max(60).default(5),
      })
      .strict()
      .default({ enabled: false, intervalSeconds: 5 }),
    /** How long the reports of every AWS run are kept in the evidence bucket (default 13 months). */
    evidence: z
      .object({ retentionDays: z.number().int().min(1).max(3_650).default(400) })
      .strict()
      .default({ retentionDays: 400 }),
  })
  .strict();

export const notificationsSchema = z
  .object({
    topicName: z.string().regex(/^[a-zA-Z0-9_-]{1,256}$/, 'an SNS topic name (letters, digits, - and _)'),
    emails: z.array(z.email()).default([]),
  })
  .strict();

/** Deployment settings for the CDK app; the orchestrator itself needs none of them. */
export const deploymentSchema = z
  .object({
    /** AWS account id; synth uses a documented placeholder when absent. */
    account: z
      .string()
      .regex(/^\d{12}$/, 'a 12-digit AWS account id')
      .optional(),
    /** ACM certificate ARNs per region for HTTPS listeners (optional). */
    certificateArns: z
      .object({ primary: z.string().optional(), dr: z.string().optional() })
      .strict()
      .optional(),
    /**
     * Which region serves the application now, as far as a deploy is concerned. After a failover
     * set `dr` before redeploying: the templates then keep the failed-over state (DR services at
     * their DR counts, promoted databases standalone, the simple/weighted record on the DR
     * target, the old primary fenced) instead of undoing it. A failback sets `primary` again.
     */
    activeRegion: z.enum(['primary', 'dr']).default('primary'),
    containerImage: z.string().min(1).optional(),
    containerPort: z.number().int().min(1).max(65_535).default(8080),
    dbInstanceClass: z.string().default('db.t4g.medium'),
    engineVersion: z.string().optional(),
    vpcCidrs: z.object({ primary: z.string(), dr: z.string() }).strict().optional(),
    /** Availability zones per region (2 or more); the default is the region's "a" and "b" zones. */
    availabilityZones: z
      .object({
        primary: z
          .array(z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d[a-z]$/, 'an AZ name such as us-east-1a'))
          .min(2),
        dr: z
          .array(z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d[a-z]$/, 'an AZ name such as us-west-2a'))
          .min(2),
      })
      .strict()
      .optional(),
  })
  .strict();

export const planSchema = z
  .object({
    name: logicalId,
    description: z.string().optional(),
    regions: z.object({ primary: regionName, dr: regionName }).strict(),
    objectives: z
      .object({
        rtoSeconds: z.number().int().min(60).max(86_400),
        rpoSeconds: z.number().int().min(0).max(86_400),
      })
      .strict(),
    application: z.object({ primary: regionalEndpoint, dr: regionalEndpoint }).strict(),
    databases: z.array(databaseSchema).min(1),
    services: z.array(serviceSchema).min(1),
    dns: dnsSchema,
    detection: detectionSchema.default({
      scheduleMinutes: 5,
      healthCheck: { intervalSeconds: 10, failureThreshold: 3 },
      alarm: { periodSeconds: 60, evaluationPeriods: 3, datapointsToAlarm: 2 },
      probe: { scheduleMinutes: 1, timeoutSeconds: 5, failedMinutes: 3 },
      replicaLagLookbackSeconds: 900,
    }),
    failover: failoverSchema.default({
      trigger: 'automatic',
      cooldownMinutes: 60,
      approval: { timeoutMinutes: 30, pollSeconds: 30 },
      pollSeconds: { promotion: 10, service: 15, dns: 10, fence: 5 },
    }),
    drills: drillsSchema.default({
      timeoutMinutes: 180,
      copyPollSeconds: 30,
      canary: { enabled: false, intervalSeconds: 5 },
      evidence: { retentionDays: 400 },
    }),
    notifications: notificationsSchema,
    deployment: deploymentSchema.optional(),
  })
  .strict()
  .superRefine((plan, ctx) => {
    if (plan.regions.primary === plan.regions.dr) {
      ctx.addIssue({ code: 'custom', path: ['regions', 'dr'], message: 'must differ from regions.primary' });
    }
    uniqueIds(plan.databases, 'databases', ctx);
    uniqueIds(plan.services, 'services', ctx);
    plan.databases.forEach((db, i) => {
      if (db.primary.region !== plan.regions.primary) {
        ctx.addIssue({
          code: 'custom',
          path: ['databases', i, 'primary', 'region'],
          message: `must be regions.primary (${plan.regions.primary}), found ${db.primary.region}`,
        });
      }
      if (db.replica.region !== plan.regions.dr) {
        ctx.addIssue({
          code: 'custom',
          path: ['databases', i, 'replica', 'region'],
          message: `must be regions.dr (${plan.regions.dr}), found ${db.replica.region}`,
        });
      }
    });
    const record = stripDot(plan.dns.record);
    const zone = stripDot(plan.dns.zoneName);
    if (record !== zone && !record.endsWith(`.${zone}`)) {
      ctx.addIssue({
        code: 'custom',
        path: ['dns', 'record'],
        message: `must be inside dns.zoneName (${zone})`,
      });
    }
    if (plan.drills.recordName !== undefined) {
      const drill = stripDot(plan.drills.recordName);
      if (drill !== zone && !drill.endsWith(`.${zone}`)) {
        ctx.addIssue({
          code: 'custom',
          path: ['drills', 'recordName'],
          message: `must be inside dns.zoneName (${zone})`,
        });
      }
      if (drill === record) {
        ctx.addIssue({
          code: 'custom',
          path: ['drills', 'recordName'],
          message: `must differ from dns.record (${record}): a drill never touches the public record`,
        });
      }
    }
    if (plan.application.primary.target === plan.application.dr.target) {
      ctx.addIssue({
        code: 'custom',
        path: ['application', 'dr', 'target'],
        message: 'must differ from application.primary.target',
      });
    }
  });

function uniqueIds(items: { id: string }[], field: string, ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    if (seen.has(item.id)) {
      ctx.addIssue({ code: 'custom', path: [field, i, 'id'], message: `duplicate id "${item.id}"` });
    }
    seen.add(item.id);
  });
}

export function stripDot(name: string): string {
  return name.endsWith('.') ? name.slice(0, -1) : name;
}

export type Plan = z.output<typeof planSchema>;
export type PlanInput = z.input<typeof planSchema>;
export type PlanDatabase = Plan['databases'][number];
export type PlanService = Plan['services'][number];
export type PlanDrills = Plan['drills'];
