import { DescribeTasksCommand, type ECSClient, ListTasksCommand, type Task } from '@aws-sdk/client-ecs';
import type { PlanService } from '../../plan/schema.ts';
import { ecsError } from './ecs-errors.ts';

/** DescribeTasks accepts at most 100 task ARNs per call; ListTasks returns at most 100 per page. */
const DESCRIBE_LIMIT = 100;
/**
 * Stopped tasks stay listed for a while after they stop; a crash-looping service can leave many.
 * Reading 10 pages (1,000 tasks) is plenty to judge one poll and keeps the Lambda's time bounded.
 */
const MAX_PAGES = 10;

export type DesiredStatus = 'RUNNING' | 'STOPPED';

/** The service's tasks whose desired status is `desiredStatus`, fully described. */
export async function serviceTasks(
  ecs: ECSClient,
  service: PlanService,
  desiredStatus: DesiredStatus,
): Promise<Task[]> {
  const arns = await listTaskArns(ecs, service, desiredStatus);
  const tasks: Task[] = [];
  for (let offset = 0; offset < arns.length; offset += DESCRIBE_LIMIT) {
    const batch = arns.slice(offset, offset + DESCRIBE_LIMIT);
    try {
      const response = await ecs.send(new DescribeTasksCommand({ cluster: service.cluster, tasks: batch }));
      tasks.push(...(response.tasks ?? []));
    } catch (error) {
      throw ecsError(error, service, `DescribeTasks ${service.cluster}/${service.service}`);
    }
  }
  return tasks;
}

async function listTaskArns(
  ecs: ECSClient,
  service: PlanService,
  desiredStatus: DesiredStatus,
): Promise<string[]> {
  const arns: string[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    try {
      const response = await ecs.send(
        new ListTasksCommand({
          cluster: service.cluster,
          serviceName: service.service,
          desiredStatus,
          maxResults: DESCRIBE_LIMIT,
          ...(nextToken ? { nextToken } : {}),
        }),
      );
      arns.push(...(response.taskArns ?? []));
      nextToken = response.nextToken;
    } catch (error) {
      throw ecsError(error, service, `ListTasks ${desiredStatus} ${service.cluster}/${service.service}`);
    }
    if (!nextToken) break;
  }
  return arns;
}
