import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv2020 } from 'ajv/dist/2020.js';

// The published schema file, resolved the way a user of the package would.
const require = createRequire(import.meta.url);
const schema: object = JSON.parse(readFileSync(require.resolve('@tracecarrier/core/envelope.schema.json'), 'utf8'));

/** Validates a parsed value against the JSON envelope's JSON Schema (draft 2020-12). */
export const validateEnvelope = new Ajv2020({ strict: true, strictRequired: false, allErrors: true }).compile(schema);
