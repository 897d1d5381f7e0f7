import { createNoopMeter, type Attributes, type Counter, type Histogram, type Meter } from '@opentelemetry/api';
import type { ClientIdentity } from '../spans/spans.js';
import {
  ATTR_ERROR_TYPE,
  ATTR_MESSAGING_CONSUMER_GROUP_NAME,
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_DESTINATION_PARTITION_ID,
  ATTR_MESSAGING_OPERATION_NAME,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_SYSTEM,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  METRIC_MESSAGING_CLIENT_CONSUMED_MESSAGES,
  METRIC_MESSAGING_CLIENT_OPERATION_DURATION,
  METRIC_MESSAGING_CLIENT_SENT_MESSAGES,
  METRIC_MESSAGING_PROCESS_DURATION,
  MESSAGING_SYSTEM_VALUE_KAFKA,
} from '../spans/semconv.js';

/**
 * The bucket boundaries the messaging conventions advise for their duration histograms (seconds).
 * @see https://opentelemetry.io/docs/specs/semconv/messaging/messaging-metrics/
 */
export const DURATION_BUCKETS_SECONDS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

/** Where a metric's message went or came from. */
export interface MetricTarget {
  readonly topic: string;
  readonly partition?: number | undefined;
  readonly identity: ClientIdentity;
}

/**
 * The messaging metrics of semantic conventions v1.44, recorded by every binding:
 * `messaging.client.operation.duration` and `messaging.client.sent.messages` for sends,
 * `messaging.client.consumed.messages` and `messaging.process.duration` for received messages.
 */
export class MessagingMetrics {
  readonly #operationDuration: Histogram;
  readonly #sent: Counter;
  readonly #consumed: Counter;
  readonly #processDuration: Histogram;

  constructor(meter: Meter) {
    const advice = { explicitBucketBoundaries: [...DURATION_BUCKETS_SECONDS] };
    this.#operationDuration = meter.createHistogram(METRIC_MESSAGING_CLIENT_OPERATION_DURATION, { unit: 's', description: 'Duration of messaging operation initiated by a producer or consumer client.', advice });
    this.#sent = meter.createCounter(METRIC_MESSAGING_CLIENT_SENT_MESSAGES, { unit: '{message}', description: 'Number of messages producer attempted to send to the broker.' });
    this.#consumed = meter.createCounter(METRIC_MESSAGING_CLIENT_CONSUMED_MESSAGES, { unit: '{message}', description: 'Number of messages that were delivered to the application.' });
    this.#processDuration = meter.createHistogram(METRIC_MESSAGING_PROCESS_DURATION, { unit: 's', description: 'Duration of processing operation.', advice });
  }

  /** A send of `count` messages that took `seconds`; `errorType` when it failed. */
  send(target: MetricTarget, count: number, seconds: number, errorType?: string): void {
    const attributes = attributesOf('send', 'send', target, errorType, false);
    this.#operationDuration.record(seconds, attributes);
    this.#sent.add(count, attributes);
  }

  /** `count` messages handed to the application. */
  consumed(target: MetricTarget, count: number): void {
    this.#consumed.add(count, attributesOf('process', 'process', target, undefined, true));
  }

  /** One message processed by the application in `seconds`; `errorType` when its handler failed. */
  processed(target: MetricTarget, seconds: number, errorType?: string): void {
    this.#processDuration.record(seconds, attributesOf('process', 'process', target, errorType, true));
  }
}

function attributesOf(name: string, type: string, target: MetricTarget, errorType: string | undefined, consumer: boolean): Attributes {
  const attributes: Attributes = {
    [ATTR_MESSAGING_SYSTEM]: MESSAGING_SYSTEM_VALUE_KAFKA,
    [ATTR_MESSAGING_OPERATION_NAME]: name,
    [ATTR_MESSAGING_OPERATION_TYPE]: type,
    [ATTR_MESSAGING_DESTINATION_NAME]: target.topic,
  };
  if (target.partition !== undefined && target.partition !== null && target.partition >= 0) attributes[ATTR_MESSAGING_DESTINATION_PARTITION_ID] = String(target.partition);
  if (consumer && target.identity.groupId !== undefined) attributes[ATTR_MESSAGING_CONSUMER_GROUP_NAME] = target.identity.groupId;
  if (target.identity.serverAddress !== undefined) attributes[ATTR_SERVER_ADDRESS] = target.identity.serverAddress;
  if (target.identity.serverPort !== undefined) attributes[ATTR_SERVER_PORT] = target.identity.serverPort;
  if (errorType !== undefined) attributes[ATTR_ERROR_TYPE] = errorType;
  return attributes;
}

// The API's no-op meter class, to tell when no meter provider is registered.
const NOOP_METER = createNoopMeter().constructor;

/**
 * The metrics of a wrapper, or `undefined` when its meter is the API's no-op one (no meter provider
 * registered): then nothing is measured or built per message, so metrics cost nothing when off.
 */
export function messagingMetrics(meter: Meter): MessagingMetrics | undefined {
  if (meter.constructor === NOOP_METER) return undefined;
  return new MessagingMetrics(meter);
}

/** Seconds since `start` (a `performance.now()` reading). */
export function secondsSince(start: number): number {
  return (performance.now() - start) / 1000;
}
