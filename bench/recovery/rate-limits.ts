/**
 * The API rate limits figure 3 enforces, per AWS account (and Region, except global Route 53),
 * as token buckets. Values from AWS's documentation; where a per-action table could not be
 * read, a single bucket at least as strict as the documented example is used.
 */
export interface RateLimit {
  /** SigV4 signing name of the service. */
  service: 'rds' | 'ecs' | 'route53';
  capacity: number;
  refillPerSecond: number;
  /** True when one bucket serves every Region (Route 53 is global). */
  global: boolean;
  limit: string;
  source: string;
}

export const RATE_LIMITS: readonly RateLimit[] = [
  {
    service: 'rds',
    capacity: 300,
    refillPerSecond: 12,
    global: false,
    limit: 'burst 300 requests, sustained 12 requests/s, per account and Region',
    source:
      'Amazon RDS User Guide, "Request throttling for the Amazon RDS API" (docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-api-throttling.html)',
  },
  {
    service: 'ecs',
    capacity: 50,
    refillPerSecond: 5,
    global: false,
    limit:
      'one bucket of 50 tokens refilling 5/s for all ECS actions per account and Region (AWS documents per-action-group buckets, e.g. 50 tokens for cluster reads; one shared, slower bucket is stricter)',
    source:
      'Amazon ECS API Reference, "Request throttling for the Amazon ECS API" (docs.aws.amazon.com/AmazonECS/latest/APIReference/request-throttling.html)',
  },
  {
    service: 'route53',
    capacity: 5,
    refillPerSecond: 5,
    global: true,
    limit: '5 requests/s per account for the control-plane API (the older, stricter documented limit)',
    source:
      'AWS Knowledge Center, "How do I avoid throttling errors in Route 53?" (five requests per second per account); Route 53 Developer Guide, "Throttling for Amazon Route 53 API requests"',
  },
];
