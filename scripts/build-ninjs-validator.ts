/**
 * Precompiles the ninjs 3.2 schema into a standalone validator module
 * (shared/ninjs/ninjs-validator.generated.js), so a Lambda cold start does not pay for Ajv compiling
 * the schema (~150 ms on the first article). Run with `npx tsx scripts/build-ninjs-validator.ts`
 * after changing the schema; a unit test checks the module is up to date.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateNinjsValidatorSource } from '../shared/ninjs/validator-source.js';

const target = fileURLToPath(new URL('../shared/ninjs/ninjs-validator.generated.js', import.meta.url));
writeFileSync(target, generateNinjsValidatorSource());
console.log('wrote shared/ninjs/ninjs-validator.generated.js');
