import { context as otelContext, type Context, type Span } from '@opentelemetry/api';
import { outgoingHeaderList } from '../../headers/outgoing-headers.js';
import { prepareSend } from '../../pipeline/message-path.js';
import type { ProducerRuntime } from '../../pipeline/runtime.js';
import type { ClientIdentity } from '../../spans/spans.js';
import type { RdHeader } from './types.js';

type MessageHeader = RdHeader;
type MessageKey = Buffer | string | null | undefined;
type MessageValue = Buffer | null;
type NumberNullUndefined = number | null | undefined;

/** What a `producerHook` receives: the arguments of `produce` as the caller gave them. */
export interface RdProducerHookInfo {
  readonly topic: string;
  readonly partition: NumberNullUndefined;
  readonly value: MessageValue | string;
  readonly key: MessageKey;
  readonly headers: MessageHeader[] | undefined;
}

/** The carried arguments for one `produce` call, and its span. */
export interface CarriedProduce {
  readonly span: Span;
  readonly value: MessageValue;
  readonly headers: MessageHeader[] | undefined;
}

/**
 * Starts the `send` span of one `produce` call and carries its context: new headers array (the
 * caller's is never modified) and possibly an enveloped value.
 */
export function carryProduce(
  runtime: ProducerRuntime<RdProducerHookInfo>,
  identity: ClientIdentity,
  info: RdProducerHookInfo,
  parent: Context = otelContext.active(),
): CarriedProduce {
  // The caller's arguments are the message's facts (a null partition is read as none chosen).
  const { span, carry } = prepareSend(runtime, 'send', info, identity, parent, info);
  // The value goes out as the caller gave it (a HighLevelProducer's serializer must see the
  // caller's value, not bytes) unless a carrier wrote a new one.
  const value = (carry.enveloped ? carry.value : info.value) as MessageValue;
  const headers = outgoingHeaderList(info.headers, carry, runtime.ownedHeaders()) as MessageHeader[] | undefined;
  return { span, value, headers };
}
