import { z } from 'zod';
import { planSchema } from './schema.ts';

/** The plan's JSON Schema (draft 2020-12) for editors, describing the file as written (defaults optional). */
export function planJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(planSchema, { io: 'input', unrepresentable: 'any' }),
    title: 'drctl recovery plan',
  };
}
