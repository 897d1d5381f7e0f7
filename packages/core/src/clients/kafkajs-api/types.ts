/**
 * The KafkaJS API as tracecarrier uses it, structurally: kafkajs and the KafkaJS-compatible API of
 * @confluentinc/kafka-javascript both have this shape, and each binding maps its client's own types
 * onto it. Only what the wrappers read or call is declared.
 */

/** Header values of an outgoing message. */
export type KjsHeaders = Record<string, Buffer | string | Array<Buffer | string> | undefined>;

/** An outgoing message (`send`'s `messages[i]`). */
export interface KjsMessage {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  partition?: number;
  headers?: KjsHeaders;
}

/** A received message (`eachMessage`'s `message`, `eachBatch`'s `batch.messages[i]`). */
export interface KjsReceivedMessage {
  key: Buffer | null;
  value: Buffer | null;
  offset: string;
  headers?: object;
}

/** What a send resolves to, per partition written. */
export interface KjsRecordMetadata {
  partition: number;
  offset?: string;
  baseOffset?: string;
}

/** `send`'s argument: one topic and its messages. */
export interface KjsProducerRecord {
  topic: string;
  messages: KjsMessage[];
}

/** One topic's messages in a `sendBatch`. */
export interface KjsTopicMessages {
  topic: string;
  messages: KjsMessage[];
}

/** `sendBatch`'s argument. */
export interface KjsProducerBatch {
  topicMessages?: KjsTopicMessages[];
}

/** The sending side of a producer or a transaction. */
export interface KjsSender {
  /** Sends one topic's messages. */
  send(record: KjsProducerRecord): Promise<KjsRecordMetadata[]>;
  /** Sends several topics' messages. */
  sendBatch(batch: KjsProducerBatch): Promise<KjsRecordMetadata[]>;
}

/** A producer transaction: sends, then commit or abort. */
export interface KjsTransaction extends KjsSender {
  /** Commits the transaction. */
  commit(): Promise<void>;
  /** Aborts the transaction. */
  abort(): Promise<void>;
}

/** A producer: sends and opens transactions. */
export interface KjsProducer extends KjsSender {
  /** Begins a transaction. */
  transaction(): Promise<KjsTransaction>;
}

/** What `eachMessage` receives. */
export interface KjsEachMessagePayload {
  topic: string;
  partition: number;
  message: KjsReceivedMessage;
}

/** One partition's batch in `eachBatch`. */
export interface KjsBatch {
  topic: string;
  partition: number;
  messages: KjsReceivedMessage[];
}

/** What `eachBatch` receives. */
export interface KjsEachBatchPayload {
  batch: KjsBatch;
}

/** `consumer.run`'s configuration. */
export interface KjsRunConfig {
  /** Called for each message. */
  eachMessage?: (payload: KjsEachMessagePayload) => Promise<void>;
  /** Called for each batch. */
  eachBatch?: (payload: KjsEachBatchPayload) => Promise<void>;
}

/** A consumer: runs a handler loop, stops, disconnects. */
export interface KjsConsumer {
  /** Starts the handler loop. */
  run(config?: KjsRunConfig): Promise<void>;
  /** Stops the handler loop. */
  stop(): Promise<void>;
  /** Leaves the group and disconnects. */
  disconnect(): Promise<void>;
}
