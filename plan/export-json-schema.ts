import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { planJsonSchema } from './json-schema.ts';

// Editors validate plan files against this file (see the `# yaml-language-server` line in drctl.plan.yaml).
const target = fileURLToPath(new URL('./plan.schema.json', import.meta.url));
writeFileSync(target, `${JSON.stringify(planJsonSchema(), null, 2)}\n`);
console.log(`wrote ${target}`);
