/**
 * Choice rules that test a type or presence with `false` (`"IsPresent": false`, `"IsNull": false`,
 * `"IsString": false`, ...), rewritten for the interpreter as `Not` of the same test with `true`.
 *
 * Why: in AWS `"IsPresent": false` matches when the field is absent ("Choice workflow state",
 * Choice Rules, AWS Step Functions Developer Guide:
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html), but aws-local-stepfunctions
 * 3.0.0 evaluates every such test as `value && check`, so with `false` it never matches and the run
 * takes the Default branch instead. The deployed definition keeps its own words; only the world's
 * interpreter gets the rewritten rule, which means the same in AWS.
 */
import { allStates, type StateMachineDefinition } from '../../statemachines/definition.ts';

const TYPE_TESTS = ['IsPresent', 'IsNull', 'IsNumeric', 'IsString', 'IsBoolean', 'IsTimestamp'] as const;

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A copy of the definition whose Choice states, at any depth (Map, Parallel), hold no false type test. */
export function withFalseTypeTestsNegated<T extends object>(definition: T): T {
  const copy = structuredClone(definition) as unknown as StateMachineDefinition;
  for (const [, state] of allStates(copy)) {
    if (state.Type === 'Choice' && Array.isArray(state.Choices)) {
      state.Choices = state.Choices.map((rule) => (isObject(rule) ? rewriteRule(rule) : rule));
    }
  }
  return copy as unknown as T;
}

/** One rule, its `Next` (top-level rules only) kept outside the `Not` it may become. */
function rewriteRule(rule: Json): Json {
  const test = TYPE_TESTS.find((name) => rule[name] === false);
  if (test !== undefined) {
    const { Next, Comment, ...condition } = rule;
    const negated: Json = { Not: { ...condition, [test]: true } };
    if (Next !== undefined) negated.Next = Next;
    if (Comment !== undefined) negated.Comment = Comment;
    return negated;
  }
  const rewritten: Json = { ...rule };
  for (const key of ['And', 'Or'] as const) {
    const operands = rule[key];
    if (Array.isArray(operands))
      rewritten[key] = operands.map((operand) => (isObject(operand) ? rewriteRule(operand) : operand));
  }
  if (isObject(rule.Not)) rewritten.Not = rewriteRule(rule.Not);
  return rewritten;
}
