import type { z } from 'zod';
import { nonFiniteName, previewValue } from './value-preview.ts';

/**
 * Turns zod's issues into lines an operator can act on: the field, what is allowed and what
 * was found. Several issues on one field make one line; union and enum errors list the values.
 */
export interface DescribedIssue {
  field: string;
  text: string;
}

export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? safeKey(key) : `.${safeKey(key)}`;
  }
  return out || '(root)';
}

export function describeIssues(issues: readonly z.core.$ZodIssue[]): DescribedIssue[] {
  const byField = new Map<string, { parts: string[]; found: string }>();
  for (const issue of issues) {
    const field = fieldPath(issue.path);
    const { text, found } = describeOne(issue);
    const entry = byField.get(field);
    if (entry) {
      if (!entry.parts.includes(text)) entry.parts.push(text);
    } else byField.set(field, { parts: [text], found });
  }
  return [...byField].map(([field, { parts, found }]) => ({
    field,
    text: `${field}: ${parts.join(' and ')}${found}`,
  }));
}

function describeOne(issue: z.core.$ZodIssue): { text: string; found: string } {
  const found = 'input' in issue && issue.input !== undefined ? ` (found ${foundValue(issue.input)})` : '';
  switch (issue.code) {
    case 'unrecognized_keys':
      return {
        text: `unknown field(s) ${issue.keys.map((key) => previewValue(key)).join(', ')}; remove them or check the spelling`,
        found: '',
      };
    case 'invalid_value':
      return { text: mustBe(issue.values.map((value) => previewValue(value))), found };
    case 'invalid_union': {
      const alternatives = unionAlternatives(issue);
      return alternatives.length > 0
        ? { text: mustBe(alternatives), found }
        : { text: 'invalid value', found };
    }
    case 'invalid_type':
      if (issue.input === undefined) return { text: `is required (expected ${issue.expected})`, found: '' };
      if (typeof issue.input === 'number' && nonFiniteName(issue.input)) {
        return { text: `expected a finite ${issue.expected}`, found };
      }
      return { text: `expected ${issue.expected}`, found };
    case 'too_small':
    case 'too_big':
      return { text: sizeLimit(issue), found };
    case 'not_multiple_of':
      return { text: `must be a multiple of ${issue.divisor}`, found };
    case 'invalid_format':
      // The schema's regex messages say what is expected ("an RDS DB instance identifier ...").
      return {
        text: /^(invalid|must)\b/i.test(issue.message)
          ? expectation(issue.message)
          : `expected ${issue.message}`,
        found,
      };
    case 'custom':
      // Custom checks write their own "found" part; their input is the whole parent object.
      return { text: issue.message, found: '' };
    default:
      return { text: expectation(issue.message), found };
  }
}

function foundValue(value: unknown): string {
  return typeof value === 'number' ? (nonFiniteName(value) ?? String(value)) : previewValue(value);
}

/** "must be 10 or 30", "must be one of "a", "b", "c"" */
function mustBe(values: readonly string[]): string {
  if (values.length === 1) return `must be ${values[0]}`;
  if (values.length === 2) return `must be ${values[0]} or ${values[1]}`;
  return `must be one of ${values.join(', ')}`;
}

/** What each branch of a union accepts: its literal values, or what its checks ask for. */
function unionAlternatives(issue: z.core.$ZodIssueInvalidUnion): string[] {
  const alternatives: string[] = [];
  for (const branch of issue.errors) {
    for (const alternative of branchAlternatives(branch)) {
      if (!alternatives.includes(alternative)) alternatives.push(alternative);
    }
  }
  return alternatives;
}

function branchAlternatives(branch: readonly z.core.$ZodIssue[]): string[] {
  const direct = branch.filter((issue) => issue.path.length === 0);
  if (direct.length === 0) return [];
  if (direct.every((issue) => issue.code === 'invalid_value')) {
    return direct.flatMap((issue) => issue.values.map((value) => previewValue(value)));
  }
  if (direct.length === 1 && direct[0]?.code === 'invalid_union') return unionAlternatives(direct[0]);
  const wants = direct.map((issue) => {
    if (issue.code === 'invalid_type') return `a ${issue.expected}`;
    if (issue.code === 'not_multiple_of') return `a multiple of ${issue.divisor}`;
    if (issue.code === 'too_small' || issue.code === 'too_big')
      return sizeLimit(issue).replace(/^must be /, '');
    return expectation(issue.message).replace(/^expected /, '');
  });
  return [wants.join(' and ')];
}

function sizeLimit(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig): string {
  const small = issue.code === 'too_small';
  const bound = small
    ? (issue as z.core.$ZodIssueTooSmall).minimum
    : (issue as z.core.$ZodIssueTooBig).maximum;
  const exclusive = issue.inclusive === false;
  switch (issue.origin) {
    case 'number':
    case 'int':
    case 'bigint':
      return small
        ? `must be ${exclusive ? 'greater than' : 'at least'} ${bound}`
        : `must be ${exclusive ? 'less than' : 'at most'} ${bound}`;
    case 'array':
    case 'set':
      return `must have ${small ? 'at least' : 'at most'} ${bound} item(s)`;
    case 'string':
      return `must be ${small ? 'at least' : 'at most'} ${bound} character(s) long`;
    default:
      return expectation(issue.message);
  }
}

/** Messages written as what is expected ("an AWS region name ...") read as "expected ...". */
function expectation(message: string): string {
  if (/^an? /.test(message)) return `expected ${message}`;
  return message.length > 1 && /^[A-Z][a-z]/.test(message)
    ? message[0]?.toLowerCase() + message.slice(1)
    : message;
}

function safeKey(key: PropertyKey): string {
  const text = String(key);
  return /^[A-Za-z_$][\w$-]*$/.test(text) ? text : previewValue(text);
}
