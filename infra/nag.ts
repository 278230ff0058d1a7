import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

/** Runs the cdk-nag AwsSolutions and Serverless packs on every stack of the app at synth. */
export function addSecurityChecks(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
}

/**
 * Acknowledges a cdk-nag finding on one construct (and its children). Every acknowledgement in
 * drctl goes through here, so that each one names the finding and says why it is acceptable.
 */
export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  if (reason.trim().length < 20) throw new Error(`Acknowledgement of ${id} needs a real reason`);
  Validations.of(scope).acknowledge({ id, reason });
}

export interface AcknowledgedFinding {
  /** Construct path the acknowledgement applies to (and below). */
  path: string;
  id: string;
  reason: string;
}

/** Every acknowledgement recorded under a scope, for audits, tests and the deploy documentation. */
export function listAcknowledgements(scope: IConstruct): AcknowledgedFinding[] {
  const out: AcknowledgedFinding[] = [];
  for (const node of scope.node.findAll()) {
    for (const entry of node.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        out.push({ path: node.node.path, id: id.replace(/^Annotation::/, ''), reason });
      }
    }
  }
  return out;
}
