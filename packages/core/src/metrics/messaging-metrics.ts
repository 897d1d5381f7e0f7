import { createNoopMeter, type Attributes, type Histogram, type Meter, type ObservableResult } from '@opentelemetry/api';
import { addSystem } from '../spans/renamed-attributes.js';
import type { ClientIdentity } from '../spans/spans.js';
import {
  ATTR_ERROR_TYPE,
  ATTR_MESSAGING_CONSUMER_GROUP_NAME,
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_DESTINATION_PARTITION_ID,
  ATTR_MESSAGING_OPERATION_NAME,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  METRIC_MESSAGING_CLIENT_CONSUMED_MESSAGES,
  METRIC_MESSAGING_CLIENT_OPERATION_DURATION,
  METRIC_MESSAGING_CLIENT_SENT_MESSAGES,
  METRIC_MESSAGING_PROCESS_DURATION,
} from '../spans/semconv.js';
import { messagingSemconvMode, type MessagingSemconvMode } from '../spans/semconv-stability.js';

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

/** One attribute set, built once, and the messages counted under it. */
interface Series {
  readonly attributes: Attributes;
  count: number;
  /** Whether it is among its counter's observed series yet. */
  counted: boolean;
}

interface LastSeries {
  readonly topic: string;
  readonly partition: number | undefined;
  readonly identity: ClientIdentity;
  readonly series: Series;
}

/**
 * The messaging metrics of semantic conventions v1.44, recorded by every binding:
 * `messaging.client.operation.duration` and `messaging.client.sent.messages` for sends,
 * `messaging.client.consumed.messages` and `messaging.process.duration` for received messages.
 *
 * Cheap per message: each attribute set (operation, topic, partition, group, error) is built once
 * and kept; the two counters are observable, so a message adds 1 to a number here and the SDK
 * reads the exact totals when it collects, instead of hashing an attribute set per message. The
 * durations are histograms, recorded per message with the kept attribute sets.
 *
 * The system attribute is named by the messaging mode in force when the metrics are created
 * (`messaging.system`, `messaging.system.name` or both, see semconv-stability.ts), once per
 * attribute set.
 */
export class MessagingMetrics {
  readonly #operationDuration: Histogram;
  readonly #processDuration: Histogram;
  // Per client identity (one per wrapper), the series by operation, topic, partition and error.
  readonly #series = new WeakMap<ClientIdentity, Map<string, Series>>();
  readonly #sent: Series[] = [];
  readonly #consumed: Series[] = [];
  readonly #mode: MessagingSemconvMode = messagingSemconvMode();

  constructor(meter: Meter) {
    const advice = { explicitBucketBoundaries: [...DURATION_BUCKETS_SECONDS] };
    this.#operationDuration = meter.createHistogram(METRIC_MESSAGING_CLIENT_OPERATION_DURATION, { unit: 's', description: 'Duration of messaging operation initiated by a producer or consumer client.', advice });
    this.#processDuration = meter.createHistogram(METRIC_MESSAGING_PROCESS_DURATION, { unit: 's', description: 'Duration of processing operation.', advice });
    const sent = meter.createObservableCounter(METRIC_MESSAGING_CLIENT_SENT_MESSAGES, { unit: '{message}', description: 'Number of messages producer attempted to send to the broker.' });
    const consumed = meter.createObservableCounter(METRIC_MESSAGING_CLIENT_CONSUMED_MESSAGES, { unit: '{message}', description: 'Number of messages that were delivered to the application.' });
    sent.addCallback((result) => observe(this.#sent, result));
    consumed.addCallback((result) => observe(this.#consumed, result));
  }

  // The last series asked for, per kind and error-free: messages in a row mostly share it.
  #last: { send?: LastSeries; process?: LastSeries } = {};

  /** The kept series of one attribute set (built on first use). */
  #seriesOf(kind: 'send' | 'process', target: MetricTarget, errorType: string | undefined): Series {
    const last = errorType === undefined ? this.#last[kind] : undefined;
    if (last !== undefined && last.topic === target.topic && last.partition === target.partition && last.identity === target.identity) return last.series;
    const series = this.#lookUp(kind, target, errorType);
    if (errorType === undefined) this.#last[kind] = { topic: target.topic, partition: target.partition, identity: target.identity, series };
    return series;
  }

  #lookUp(kind: 'send' | 'process', target: MetricTarget, errorType: string | undefined): Series {
    let byKey = this.#series.get(target.identity);
    if (byKey === undefined) this.#series.set(target.identity, (byKey = new Map()));
    const partition = target.partition !== undefined && target.partition !== null && target.partition >= 0 ? target.partition : -1;
    const key = `${kind}\u0000${target.topic}\u0000${partition}\u0000${errorType ?? ''}`;
    let series = byKey.get(key);
    if (series === undefined) {
      series = { attributes: Object.freeze(attributesOf(kind, kind, target, errorType, kind === 'process', this.#mode)), count: 0, counted: false };
      byKey.set(key, series);
    }
    return series;
  }

  /** A send of `count` messages that took `seconds`; `errorType` when it failed. */
  send(target: MetricTarget, count: number, seconds: number, errorType?: string): void {
    const series = this.#seriesOf('send', target, errorType);
    add(series, this.#sent, count);
    this.#operationDuration.record(seconds, series.attributes);
  }

  /** `count` messages handed to the application. */
  consumed(target: MetricTarget, count: number): void {
    add(this.#seriesOf('process', target, undefined), this.#consumed, count);
  }

  /** One message processed by the application in `seconds`; `errorType` when its handler failed. */
  processed(target: MetricTarget, seconds: number, errorType?: string): void {
    this.#processDuration.record(seconds, this.#seriesOf('process', target, errorType).attributes);
  }
}

function add(series: Series, counted: Series[], count: number): void {
  if (!series.counted) {
    series.counted = true;
    counted.push(series);
  }
  series.count += count;
}

function attributesOf(name: string, type: string, target: MetricTarget, errorType: string | undefined, consumer: boolean, mode: MessagingSemconvMode): Attributes {
  const attributes: Attributes = {};
  addSystem(attributes, mode);
  attributes[ATTR_MESSAGING_OPERATION_NAME] = name;
  attributes[ATTR_MESSAGING_OPERATION_TYPE] = type;
  attributes[ATTR_MESSAGING_DESTINATION_NAME] = target.topic;
  if (target.partition !== undefined && target.partition !== null && target.partition >= 0) attributes[ATTR_MESSAGING_DESTINATION_PARTITION_ID] = String(target.partition);
  if (consumer && target.identity.groupId !== undefined) attributes[ATTR_MESSAGING_CONSUMER_GROUP_NAME] = target.identity.groupId;
  if (target.identity.serverAddress !== undefined) attributes[ATTR_SERVER_ADDRESS] = target.identity.serverAddress;
  if (target.identity.serverPort !== undefined) attributes[ATTR_SERVER_PORT] = target.identity.serverPort;
  if (errorType !== undefined) attributes[ATTR_ERROR_TYPE] = errorType;
  return attributes;
}

/** Reports every counted series' total (cumulative: the SDK turns it into deltas if asked). */
function observe(series: readonly Series[], result: ObservableResult): void {
  for (const entry of series) if (entry.count > 0) result.observe(entry.count, entry.attributes);
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
