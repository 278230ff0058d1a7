import { en } from 'zod/locales';
import { config } from 'zod/mini';

/**
 * The validator every function uses: zod's tree-shakable `zod/mini` API on the same core as
 * the plan schema's full zod (same version, same checks, same issues), at about 20 KB of bundle
 * instead of 440 KB. The full API's methods (`.min()`, `.optional()`) pull every schema class
 * into any bundle that imports it; mini's functions (`z.minLength()`, `z.optional()`) keep only
 * what is used. Mini ships no messages: without the English locale every issue would read
 * "Invalid input", and the errors the state machine and operators read must name what is wrong.
 * Functions import zod only through this module, as a namespace (`import * as z`), so that the
 * bundler keeps only the members used (a test checks it).
 */
config(en());

export * from 'zod/mini';
