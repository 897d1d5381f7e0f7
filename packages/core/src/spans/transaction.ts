import { SpanKind, TraceFlags, type Attributes, type Context, type Link, type Span, type Tracer } from '@opentelemetry/api';
import { addSystem } from './renamed-attributes.js';
import { ATTR_MESSAGING_BATCH_MESSAGE_COUNT, ATTR_MESSAGING_CLIENT_ID, ATTR_MESSAGING_OPERATION_NAME, ATTR_SERVER_ADDRESS, ATTR_SERVER_PORT } from './semconv.js';
import { messagingSemconvMode } from './semconv-stability.js';
import { TRACECARRIER_ATTRIBUTES, endSpanWithError, type ClientIdentity } from './spans.js';

/** How a producer transaction ended: the application committed it or aborted it. */
export type TransactionOutcome = 'commit' | 'abort';

/** Attribute names of the transaction spans (tracecarrier's own: the conventions have none for transactions). */
export const TRANSACTION_ATTRIBUTES = {
  /** The producer's `transactional.id` (kafkajs `transactionalId`). */
  id: 'tracecarrier.transaction.id',
  /** `committed` or `aborted`, once the broker has confirmed it; absent when commit or abort failed. */
  outcome: 'tracecarrier.transaction.outcome',
} as const;

// The SDK's default link limit: links beyond it would be dropped by the SDK anyway.
const MAX_LINKS = 128;

/**
 * The messages of one producer transaction and the span that says how it ended. Send spans end when
 * the broker acknowledges the message, before anyone knows whether the transaction commits; so the
 * end of the transaction gets a span of its own, `commit_transaction` or `abort_transaction` (CLIENT,
 * a request to the transaction coordinator), linked to the span carried in each message (up to 128,
 * `messaging.batch.message_count` gives the total). In a consume-transform-produce loop its parent is
 * the process span, so the abort stands beside the sends it discarded in the same trace.
 */
export class TransactionSpans {
  readonly #tracer: Tracer;
  readonly #identity: ClientIdentity;
  readonly #transactionalId: string | undefined;
  #links: Link[] = [];
  #count = 0;

  constructor(tracer: Tracer, identity: ClientIdentity, transactionalId?: string) {
    this.#tracer = tracer;
    this.#identity = identity;
    this.#transactionalId = transactionalId;
  }

  /** Number of messages sent in the transaction so far. */
  get messageCount(): number {
    return this.#count;
  }

  /** Records one message of the transaction: `span` is the span whose context the message carries. */
  add(span: Span): void {
    this.#count += 1;
    const context = span.spanContext();
    // A link to an unsampled span would point at nothing exported.
    if (this.#links.length < MAX_LINKS && (context.traceFlags & TraceFlags.SAMPLED) !== 0) this.#links.push({ context, attributes: { [TRACECARRIER_ATTRIBUTES.linkReason]: 'transaction' } });
  }

  /**
   * Starts the span of the transaction's end. Call the returned function when the client reports
   * the result: a confirmed commit or any abort forgets the messages (the producer's next transaction
   * starts empty); after a failed commit they stay, for the abort that follows.
   */
  end(outcome: TransactionOutcome, parent: Context): (error?: unknown, type?: string) => void {
    const operation = `${outcome}_transaction`;
    const attributes: Attributes = {};
    addSystem(attributes, messagingSemconvMode());
    attributes[ATTR_MESSAGING_OPERATION_NAME] = operation;
    attributes[ATTR_MESSAGING_BATCH_MESSAGE_COUNT] = this.#count;
    if (this.#transactionalId !== undefined) attributes[TRANSACTION_ATTRIBUTES.id] = this.#transactionalId;
    if (this.#identity.clientId !== undefined) attributes[ATTR_MESSAGING_CLIENT_ID] = this.#identity.clientId;
    if (this.#identity.serverAddress !== undefined) attributes[ATTR_SERVER_ADDRESS] = this.#identity.serverAddress;
    if (this.#identity.serverPort !== undefined) attributes[ATTR_SERVER_PORT] = this.#identity.serverPort;
    const span = this.#tracer.startSpan(operation, { kind: SpanKind.CLIENT, attributes, links: [...this.#links] }, parent);
    return (error, type) => {
      const failed = error !== null && error !== undefined;
      if (!failed || outcome === 'abort') {
        this.#links = [];
        this.#count = 0;
      }
      if (failed) return endSpanWithError(span, error, type);
      span.setAttribute(TRANSACTION_ATTRIBUTES.outcome, outcome === 'commit' ? 'committed' : 'aborted');
      span.end();
    };
  }
}
