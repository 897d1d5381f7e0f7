import type { Attributes, Span } from '@opentelemetry/api';
import {
  ATTR_KAFKA_MESSAGE_KEY,
  ATTR_KAFKA_MESSAGE_TOMBSTONE,
  ATTR_KAFKA_OFFSET,
  ATTR_MESSAGING_KAFKA_MESSAGE_KEY,
  ATTR_MESSAGING_KAFKA_MESSAGE_TOMBSTONE,
  ATTR_MESSAGING_KAFKA_OFFSET,
  ATTR_MESSAGING_SYSTEM,
  ATTR_MESSAGING_SYSTEM_NAME,
  MESSAGING_SYSTEM_NAME_VALUE_KAFKA,
  MESSAGING_SYSTEM_VALUE_KAFKA,
} from './semconv.js';
import { messagingSemconvMode, onMessagingSemconvModeChange, type MessagingSemconvMode } from './semconv-stability.js';

/**
 * The attributes semantic conventions 1.45 renamed, written under the names of the mode in force
 * (see semconv-stability.ts).
 */

/** Each name the mode `old` writes, and its semantic conventions 1.45 replacement. */
export const RENAMED_ATTRIBUTES = {
  [ATTR_MESSAGING_SYSTEM]: ATTR_MESSAGING_SYSTEM_NAME,
  [ATTR_MESSAGING_KAFKA_OFFSET]: ATTR_KAFKA_OFFSET,
  [ATTR_MESSAGING_KAFKA_MESSAGE_KEY]: ATTR_KAFKA_MESSAGE_KEY,
  [ATTR_MESSAGING_KAFKA_MESSAGE_TOMBSTONE]: ATTR_KAFKA_MESSAGE_TOMBSTONE,
} as const;

/**
 * Adds the messaging system, `kafka`, to an attribute set being built: as `messaging.system`
 * (`old`), `messaging.system.name` (`new`) or both (`dup`). For sets built once and cached, or once
 * per batch or transaction; not for per-message work.
 */
export function addSystem(attributes: Attributes, mode: MessagingSemconvMode): void {
  if (mode !== 'new') attributes[ATTR_MESSAGING_SYSTEM] = MESSAGING_SYSTEM_VALUE_KAFKA;
  if (mode !== 'old') attributes[ATTR_MESSAGING_SYSTEM_NAME] = MESSAGING_SYSTEM_NAME_VALUE_KAFKA;
}

// Per-message writers: one per mode, picked when the mode is resolved, so a message runs the
// writer of its mode and no test of the mode.
type OffsetWriter = (attributes: Attributes, offset: number) => void;
type SpanOffsetWriter = (span: Span, offset: number) => void;

const OFFSET: Readonly<Record<MessagingSemconvMode, OffsetWriter>> = {
  old: (attributes, offset) => {
    attributes[ATTR_MESSAGING_KAFKA_OFFSET] = offset;
  },
  new: (attributes, offset) => {
    attributes[ATTR_KAFKA_OFFSET] = offset;
  },
  dup: (attributes, offset) => {
    attributes[ATTR_MESSAGING_KAFKA_OFFSET] = offset;
    attributes[ATTR_KAFKA_OFFSET] = offset;
  },
};

const SPAN_OFFSET: Readonly<Record<MessagingSemconvMode, SpanOffsetWriter>> = {
  old: (span, offset) => void span.setAttribute(ATTR_MESSAGING_KAFKA_OFFSET, offset),
  new: (span, offset) => void span.setAttribute(ATTR_KAFKA_OFFSET, offset),
  dup: (span, offset) => void span.setAttribute(ATTR_MESSAGING_KAFKA_OFFSET, offset).setAttribute(ATTR_KAFKA_OFFSET, offset),
};

let offsetWriter = OFFSET[messagingSemconvMode()];
let spanOffsetWriter = SPAN_OFFSET[messagingSemconvMode()];
onMessagingSemconvModeChange((mode) => {
  offsetWriter = OFFSET[mode];
  spanOffsetWriter = SPAN_OFFSET[mode];
});

/** Sets a message's offset in an attribute set being built (a link's attributes), under the mode's name(s). */
export function addOffset(attributes: Attributes, offset: number): void {
  offsetWriter(attributes, offset);
}

/** Sets a message's offset on its span (once the broker has acknowledged it), under the mode's name(s). */
export function setSpanOffset(span: Span, offset: number): void {
  spanOffsetWriter(span, offset);
}
