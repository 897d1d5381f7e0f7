/**
 * Which names the SDK gives the messaging attributes that semantic conventions 1.45 renamed
 * (`messaging.system` → `messaging.system.name`, `messaging.kafka.offset` → `kafka.offset`,
 * `messaging.kafka.message.key` → `kafka.message.key`, `messaging.kafka.message.tombstone` →
 * `kafka.message.tombstone`). Chosen as OpenTelemetry's own JS instrumentations choose theirs, by
 * the `OTEL_SEMCONV_STABILITY_OPT_IN` environment variable, read once when this module loads.
 *
 * The mode is decided where attribute sets are built (they are cached per client, topic and
 * partition) or, for the per-message attributes, by picking one writer per mode up front: a
 * message never asks which mode is in force.
 */

/** The environment variable that opts in to newer semantic conventions, per domain. */
export const SEMCONV_STABILITY_OPT_IN = 'OTEL_SEMCONV_STABILITY_OPT_IN';

/**
 * Which attribute names the renamed messaging attributes are emitted under:
 * - `old`: the names before semantic conventions 1.45 (`messaging.system`, `messaging.kafka.offset`, …); the default.
 * - `new`: the 1.45 names only (`messaging.system.name`, `kafka.offset`, …): `OTEL_SEMCONV_STABILITY_OPT_IN=messaging`.
 * - `dup`: both, for a migration: `OTEL_SEMCONV_STABILITY_OPT_IN=messaging/dup`.
 */
export type MessagingSemconvMode = 'old' | 'new' | 'dup';

/**
 * The messaging mode a value of `OTEL_SEMCONV_STABILITY_OPT_IN` asks for: a comma-separated list
 * of tokens, each trimmed and compared without regard to case (as `@opentelemetry/instrumentation`
 * reads it). `messaging/dup` gives `dup`, whatever else is listed; `messaging` gives `new`; no
 * value, or only other domains' tokens (`http`, `database/dup`, …), gives `old`.
 */
export function parseMessagingSemconvMode(optIn: string | undefined): MessagingSemconvMode {
  let mode: MessagingSemconvMode = 'old';
  if (optIn === undefined) return mode;
  for (const token of optIn.split(',')) {
    const entry = token.trim().toLowerCase();
    if (entry === 'messaging/dup') return 'dup';
    if (entry === 'messaging') mode = 'new';
  }
  return mode;
}

function modeFromEnvironment(): MessagingSemconvMode {
  return parseMessagingSemconvMode(typeof process === 'undefined' ? undefined : process.env[SEMCONV_STABILITY_OPT_IN]);
}

let mode = modeFromEnvironment();
const listeners: Array<(mode: MessagingSemconvMode) => void> = [];

/** The messaging mode in force: `OTEL_SEMCONV_STABILITY_OPT_IN` as it was when the SDK loaded. */
export function messagingSemconvMode(): MessagingSemconvMode {
  return mode;
}

/**
 * Calls `listener` whenever the mode changes, which only {@link setMessagingSemconvModeForTesting}
 * does: a module that caches attribute sets or picks writers by mode drops or re-picks them.
 */
export function onMessagingSemconvModeChange(listener: (mode: MessagingSemconvMode) => void): void {
  listeners.push(listener);
}

/**
 * For tests only: puts `next` in force instead of the environment's mode (`undefined`: reads
 * `OTEL_SEMCONV_STABILITY_OPT_IN` again), without touching `process.env`. Attribute sets cached
 * under the previous mode are dropped; a `MessagingMetrics` keeps the mode it was created with.
 * @internal
 */
export function setMessagingSemconvModeForTesting(next: MessagingSemconvMode | undefined): void {
  mode = next ?? modeFromEnvironment();
  for (const listener of listeners) listener(mode);
}
