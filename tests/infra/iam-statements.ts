import type { Template } from 'aws-cdk-lib/assertions';

/** IAM statements as they appear in a template, with the policy's logical id. */
export interface TemplateStatement {
  policy: string;
  Effect: 'Allow' | 'Deny';
  Action: string[];
  Resource: unknown[];
  Condition?: Record<string, Record<string, unknown>>;
  Sid?: string;
}

const asList = (value: unknown): unknown[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** Every statement of every identity policy (AWS::IAM::Policy and inline role policies) in a template. */
export function identityStatements(template: Template): TemplateStatement[] {
  const out: TemplateStatement[] = [];
  const add = (policy: string, document: { Statement: Record<string, unknown>[] }) => {
    for (const s of document.Statement) {
      out.push({
        policy,
        Effect: s.Effect as 'Allow' | 'Deny',
        Action: asList(s.Action) as string[],
        Resource: asList(s.Resource),
        ...(s.Condition ? { Condition: s.Condition as Record<string, Record<string, unknown>> } : {}),
        ...(s.Sid ? { Sid: s.Sid as string } : {}),
      });
    }
  };
  for (const [id, policy] of Object.entries(template.findResources('AWS::IAM::Policy'))) {
    add(id, policy.Properties.PolicyDocument);
  }
  for (const [id, role] of Object.entries(template.findResources('AWS::IAM::Role'))) {
    for (const inline of (role.Properties.Policies ?? []) as { PolicyDocument: { Statement: [] } }[]) {
      add(id, inline.PolicyDocument);
    }
  }
  return out;
}

/** The statements of the role whose policy logical id starts with the given prefix. */
export function statementsOfPolicy(template: Template, policyPrefix: string): TemplateStatement[] {
  const all = identityStatements(template).filter((s) => s.policy.startsWith(policyPrefix));
  if (all.length === 0) throw new Error(`no policy named ${policyPrefix}*`);
  return all;
}

/** Read-only by IAM access level (List / Read): the only actions allowed on "*" without a reason. */
export function isReadOnly(action: string): boolean {
  const name = action.split(':')[1] ?? '';
  return /^(Describe|Get|List|BatchGet)/.test(name) && !name.includes('*');
}

/** The Allow statements only. */
export function allowsOf(statements: TemplateStatement[]): TemplateStatement[] {
  return statements.filter((s) => s.Effect === 'Allow');
}
