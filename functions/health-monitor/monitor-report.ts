/** What one scheduled health check saw and published. "unknown" is its own answer, never 0 or 1. */
export interface MonitorReport {
  checkedAt: string;
  plan: string;
  primary: { url: string; state: 'healthy' | 'unhealthy' | 'unknown'; detail: string };
  databases: MonitoredDatabase[];
  services: MonitoredService[];
  readiness: { state: 'ready' | 'not-ready' | 'unknown'; reasons: string[] };
  /**
   * Where the public record's traffic goes, for the gate strategy (read in the DR region);
   * null for simple and weighted, whose record only the Route 53 API can tell.
   */
  traffic: { to: 'primary' | 'dr' | 'unknown'; detail: string } | null;
  /** Exactly the datapoints sent in the one PutMetricData call (empty: no call was made). */
  published: PublishedMetric[];
}

export interface MonitoredDatabase {
  id: string;
  /** The primary instance's status, read best effort from the primary region. */
  primary: { resource: string; status: string };
  replica: { resource: string; status: string };
  lag: {
    /** active: a lag figure; not-active: RDS reported -1; no-data / unreadable: unknown. */
    state: 'active' | 'not-active' | 'no-data' | 'unreadable';
    seconds: number | null;
    observedAt: string | null;
  };
}

export interface MonitoredService {
  id: string;
  resource: string;
  status: string;
  desiredCount: number | null;
  runningCount: number | null;
}

export interface PublishedMetric {
  metric: 'PrimaryHealthy' | 'ReplicaLagSeconds' | 'DrReadiness';
  dimensions: Record<string, string>;
  value: number;
}

/** Status words used when a resource could not be read or does not exist. */
export const UNKNOWN_STATUS = 'unknown';
export const NOT_FOUND_STATUS = 'not-found';
