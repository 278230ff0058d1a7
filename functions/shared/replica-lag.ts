import { type CloudWatchClient, GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import { toDrError } from '../../plan/errors.ts';

export interface LagDatapoint {
  timestamp: Date;
  /** Seconds; -1 means RDS saw no active replication in that minute. */
  value: number;
}

/** RDS publishes ReplicaLag = -1 when replication is not active: a statement about state, not a lag. */
export const REPLICATION_NOT_ACTIVE = -1;

/** Per-minute maxima of AWS/RDS ReplicaLag for one replica, oldest first. */
export async function readReplicaLag(
  cloudWatch: CloudWatchClient,
  replicaIdentifier: string,
  window: { end: Date; seconds: number },
): Promise<LagDatapoint[]> {
  try {
    const output = await cloudWatch.send(
      new GetMetricStatisticsCommand({
        Namespace: 'AWS/RDS',
        MetricName: 'ReplicaLag',
        Dimensions: [{ Name: 'DBInstanceIdentifier', Value: replicaIdentifier }],
        StartTime: new Date(window.end.getTime() - window.seconds * 1000),
        EndTime: window.end,
        Period: 60,
        Statistics: ['Maximum'],
      }),
    );
    return (output.Datapoints ?? [])
      .flatMap((point) =>
        point.Timestamp !== undefined && typeof point.Maximum === 'number'
          ? [{ timestamp: new Date(point.Timestamp), value: point.Maximum }]
          : [],
      )
      .sort((a, b) => a.timestamp.getTime() - b.timestamp.getTime());
  } catch (error) {
    throw toDrError(error, `GetMetricStatistics AWS/RDS ReplicaLag ${replicaIdentifier}`);
  }
}

/** The lag last observed while replication was active; -1 minutes say nothing and are skipped. */
export function lastActiveLag(points: readonly LagDatapoint[]): LagDatapoint | null {
  for (let i = points.length - 1; i >= 0; i--) {
    const point = points[i];
    if (point !== undefined && point.value >= 0) return point;
  }
  return null;
}

export type CurrentLag =
  | { state: 'active'; seconds: number; observedAt: Date }
  | { state: 'not-active'; observedAt: Date }
  | { state: 'no-data' };

/** The newest datapoint as it is: a current lag, "replication not active", or nothing. */
export function currentLag(points: readonly LagDatapoint[]): CurrentLag {
  const latest = points.at(-1);
  if (latest === undefined) return { state: 'no-data' };
  if (latest.value < 0) return { state: 'not-active', observedAt: latest.timestamp };
  return { state: 'active', seconds: latest.value, observedAt: latest.timestamp };
}
