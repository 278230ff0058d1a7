import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { type Execution, startWorld, type World, type WorldSnapshot } from '../../../local/index.ts';
import { loadPlanFile } from '../../../plan/load.ts';
import type { Plan } from '../../../plan/schema.ts';

/** The reference plan (2 databases, 3 services) the world tests seed their worlds from. */
export const referencePlan = (): Plan =>
  loadPlanFile(new URL('../../../drctl.plan.yaml', import.meta.url).pathname);

/**
 * An SDK client pointed at the world, with dummy credentials and no SDK retries, so that a test
 * sees exactly what the world answered.
 */
export const worldClient = <T>(world: World, Client: new (config: object) => T, region: string): T =>
  new Client({
    region,
    endpoint: world.endpoint,
    credentials: { accessKeyId: 'AKIATEST', secretAccessKey: 'secret' },
    maxAttempts: 1,
  });

/** The reference plan with its primary and DR regions moved (databases follow their roles). */
export const planInRegions = (plan: Plan, primary: string, dr: string): Plan => {
  const certificate = (arn: string | undefined, region: string) =>
    arn?.replace(/^(arn:aws:acm:)[a-z0-9-]+:/, `$1${region}:`);
  const certificates = plan.deployment?.certificateArns;
  return {
    ...plan,
    regions: { primary, dr },
    databases: plan.databases.map((database) => ({
      ...database,
      primary: { ...database.primary, region: primary },
      replica: { ...database.replica, region: dr },
    })),
    ...(plan.deployment && certificates
      ? {
          deployment: {
            ...plan.deployment,
            certificateArns: {
              ...(certificates.primary ? { primary: certificate(certificates.primary, primary) } : {}),
              ...(certificates.dr ? { dr: certificate(certificates.dr, dr) } : {}),
            },
          },
        }
      : {}),
  };
};

/** Resolves `name` through the world's DNS server (Route 53's data plane) with node:dns. */
export const resolveThroughWorld = async (world: World, name: string): Promise<string[]> => {
  const { Resolver } = await import('node:dns/promises');
  const resolver = new Resolver({ timeout: 2_000, tries: 1 });
  resolver.setServers([world.dnsResolver]);
  return resolver.resolveCname(name);
};

/**
 * The execution that did the failover, once it has ended: both detection paths may start one
 * (EventBridge starts an unnamed execution per event); the run lock makes the others end skipped.
 */
export async function failoverOf(world: World): Promise<Execution> {
  await world.until(
    () =>
      world.stepFunctions
        .list()
        .some((e) => e.status !== 'RUNNING' && !/"outcome":"skipped"/.test(e.output ?? '')),
    { timeoutSeconds: 3_600 },
  );
  const ended = world.stepFunctions
    .list()
    .filter((e) => e.status !== 'RUNNING' && !/"outcome":"skipped"/.test(e.output ?? ''));
  const found = ended[0];
  if (!found) throw new Error('no failover execution ended');
  return found;
}

/** A hand-started run's input (functions/shared/contracts.ts), as the tests start one. */
export const failoverInput = (incidentId: string, mode: 'failover' | 'dry-run' = 'failover') => ({
  mode,
  reason: 'drill',
  incidentId,
  requestedBy: 'test',
});

/**
 * A world that has seen three simulated minutes of active replication, with the schedule and the
 * alarm path off: ready for a run started by hand.
 */
export async function readyWorld(
  plan: Plan,
  options: { scale?: number; seed?: number } = {},
): Promise<World> {
  const world = await startWorld({
    plan,
    scale: options.scale ?? 400,
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    schedule: false,
    alarmTrigger: false,
  });
  await world.runFor(180);
  return world;
}

/**
 * What a failover or a fence would change, to compare before and after a run that must change
 * nothing: each database's roles and statuses, each service's desired and running counts, DNS.
 */
export function recoveryState(snapshot: WorldSnapshot) {
  return {
    databases: snapshot.databases.map((d) => [
      d.primary.status,
      d.replica.status,
      d.replica.role,
      d.replica.source,
    ]),
    services: snapshot.services.map((s) => [s.primary?.desired, s.dr?.desired, s.dr?.running]),
    dns: {
      values: snapshot.dns.values,
      resolvesTo: snapshot.dns.resolvesTo,
      pending: snapshot.dns.pendingChanges,
    },
  };
}

/**
 * Invokes one of the world's functions by hand through the real Lambda API, as a person with
 * lambda:InvokeFunction could: the FunctionError (Unhandled for a thrown error) and the payload.
 */
export async function invokeByHand(
  world: World,
  functionName: string,
  payload: unknown,
): Promise<{ error: string | undefined; body: { errorType?: string; errorMessage?: string } }> {
  const lambda = worldClient(world, LambdaClient, world.plan.regions.dr);
  const output = await lambda.send(
    new InvokeCommand({
      FunctionName: functionName,
      Payload: new TextEncoder().encode(JSON.stringify(payload)),
    }),
  );
  return { error: output.FunctionError, body: JSON.parse(new TextDecoder().decode(output.Payload)) };
}
