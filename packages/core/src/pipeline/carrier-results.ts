import type { CarrierFields, CarrierRead, CarrierWrite } from '../carriers/carrier.js';

/**
 * What a carrier returned, checked as strictly as what it throws: a carrier written in JavaScript
 * (or typed loosely) can hand back anything, and a wrong type must never reach the client (a send
 * that throws, a header named `0`) or be silently ignored. Each function gives the problem as a
 * phrase, or `undefined` when the result is well-formed. Checks are `typeof` tests only: they run
 * for every message.
 */

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

function isStringRecord(value: unknown): boolean {
  if (!isRecord(value)) return false;
  for (const key in value) if (Object.hasOwn(value, key) && typeof value[key] !== 'string') return false;
  return true;
}

function fieldsProblem(fields: unknown): string | undefined {
  if (!isRecord(fields)) return 'fields that are neither a record of strings nor a getter';
  const getter = fields as { get?: unknown; keys?: unknown };
  if (typeof getter.get === 'function' && typeof getter.keys === 'function') return undefined;
  return getter.get !== undefined || getter.keys !== undefined ? 'fields with a get or keys that is not a function' : undefined;
}

/** The problem with what {@link Carrier.inject} returned (`undefined` and `null` are a decline, not a problem). */
export function writeProblem(write: CarrierWrite): string | undefined {
  if (typeof write !== 'object') return `a ${typeof write} instead of an object`;
  if (write.value !== undefined && !(write.value instanceof Uint8Array)) return `a value of type ${typeof write.value}, not bytes (Uint8Array)`;
  if (write.headers !== undefined && !isStringRecord(write.headers)) return 'headers that are not a record of strings';
  return undefined;
}

/** The problem with what {@link Carrier.extract} returned (`undefined` and `null`: nothing found). */
export function readProblem(read: CarrierRead): string | undefined {
  if (typeof read !== 'object') return `a ${typeof read} instead of an object`;
  if (read.fields !== undefined) {
    const problem = fieldsProblem(read.fields);
    if (problem !== undefined) return problem;
  }
  if (read.value !== undefined && !(read.value instanceof Uint8Array)) return `a value of type ${typeof read.value}, not bytes (Uint8Array)`;
  if (read.attributes !== undefined && !isRecord(read.attributes)) return 'attributes that are not a record';
  if (read.candidates !== undefined) {
    if (!Array.isArray(read.candidates)) return 'candidates that are not an array';
    for (const candidate of read.candidates as readonly CarrierFields[]) if (fieldsProblem(candidate) !== undefined) return 'a candidate that is not fields';
  }
  return undefined;
}
