import type { IncomingMessage } from '../../carriers/carrier.js';
import type { KafkaHeaders } from '../../headers/kafka-headers.js';
import type { RdMessage } from './types.js';

/**
 * A librdkafka message as carriers see it. The offset, a number here, becomes the text carriers and
 * diagnostics expect only when one of them asks: on the per-message path nobody does.
 */
export class RdIncoming implements IncomingMessage {
  readonly topic: string;
  readonly partition: number;
  readonly key: RdMessage['key'];
  readonly value: RdMessage['value'];
  readonly headers: KafkaHeaders | undefined;
  readonly #offset: number;
  constructor(message: RdMessage) {
    this.topic = message.topic;
    this.partition = message.partition;
    this.key = message.key;
    this.value = message.value;
    this.headers = message.headers;
    this.#offset = message.offset;
  }
  get offset(): string {
    return String(this.#offset);
  }
}
