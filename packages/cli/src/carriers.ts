import { cloudEventsBinary, cloudEventsStructured, headersCarrier, jsonEnvelope, type Carrier } from '@tracecarrier/core';
import { UsageError } from './errors.js';
import { loadExport } from './module-export.js';

/**
 * The carriers `--carriers` names: the built-in ones by name (`auto` is what a consumer in `auto`
 * mode reads, in its order), anything else a module path exporting a Carrier (its default export,
 * `carrier`, or its only exported Carrier; a function is called for one). The command reads with these objects themselves:
 * there is no second parser.
 */
const BUILT_IN: Record<string, () => Carrier[]> = {
  auto: () => [headersCarrier(), cloudEventsBinary(), jsonEnvelope(), cloudEventsStructured()],
  headers: () => [headersCarrier()],
  'json-envelope': () => [jsonEnvelope()],
  'cloudevents-structured': () => [cloudEventsStructured()],
  'cloudevents-binary': () => [cloudEventsBinary()],
};

function isCarrier(value: unknown): value is Carrier {
  const carrier = value as Partial<Carrier> | null;
  return typeof carrier === 'object' && carrier !== null && typeof carrier.name === 'string' && typeof carrier.detect === 'function' && typeof carrier.extract === 'function' && typeof carrier.inject === 'function';
}

/** A module path's Carrier (`--carriers ./meta-trace-carrier.mjs`). */
const CARRIER_EXPORT = { noun: 'carrier', type: 'Carrier', named: 'carrier', shape: 'an object with name, inject, detect and extract', is: isCarrier };

/** The carriers, in the order given, each name once. */
export async function resolveCarriers(names: readonly string[]): Promise<Carrier[]> {
  const carriers: Carrier[] = [];
  for (const name of names) {
    const found = BUILT_IN[name] ?? (name.includes('/') || name.includes('.') ? undefined : null);
    if (found === null) throw new UsageError(`unknown carrier "${name}": auto, ${Object.keys(BUILT_IN).filter((key) => key !== 'auto').join(', ')}, or a module path`);
    for (const carrier of found === undefined ? [await loadExport(name, CARRIER_EXPORT)] : found()) {
      if (!carriers.some((known) => known.name === carrier.name)) carriers.push(carrier);
    }
  }
  return carriers;
}
