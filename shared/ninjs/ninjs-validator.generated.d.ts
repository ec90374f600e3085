// Types for the generated standalone validator (scripts/build-ninjs-validator.ts).
import type { ErrorObject } from 'ajv';

interface GeneratedValidator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

export declare const validate: GeneratedValidator;
export default validate;
