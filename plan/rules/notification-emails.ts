import type { Plan } from '../schema.ts';
import { type PlanProblem, problem } from './problem.ts';

/**
 * Each address becomes one SNS email subscription of the plan's topic: the same mailbox twice
 * (mail domains ignore case, and in practice so do mailboxes) is two subscriptions, two
 * confirmation mails and every notice twice, and one construct id in the CDK app.
 */
export function notificationEmailProblems(plan: Plan): PlanProblem[] {
  const problems: PlanProblem[] = [];
  const seen = new Map<string, number>();
  plan.notifications.emails.forEach((email, index) => {
    const key = email.toLowerCase();
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, index);
      return;
    }
    problems.push(
      problem(
        `notifications.emails[${index}]`,
        `found "${email}", already notifications.emails[${first}]; allowed: each address once`,
      ),
    );
  });
  return problems;
}
