/**
 * What a consumer's reading of one message costs in each mode, by payload, in process: core's
 * `readIncoming` with the carriers of `mode: 'auto'` (the default: headers, CloudEvents binary, the
 * JSON envelope, CloudEvents structured) and of `mode: 'headers'`, against the stock
 * `propagation.extract` of the same headers, as the hand-written and context-only node-rdkafka
 * listeners of part 8 do it (their header record and getter). Each message is fresh (its value and header Buffers copied), as a client hands it over, and
 * carries one canonical `traceparent` header. Not a part of `pnpm bench`:
 *
 *   pnpm build && node scripts/build-bench.mjs && node bench/dist/reading-modes.js
 */
import { ROOT_CONTEXT, propagation, trace } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { readIncoming, resolveConsumerOptions } from '@tracecarrier/core/binding';
import { bufferGetter, headerRecord } from './hand-written-cases.js';
import { compare } from './harness.js';
import { PAYLOADS } from './value-markers.js';

// What the NodeSDK registers by default.
propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }));

const TRACEPARENT = Buffer.from('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
const SCOPE = { name: 'bench', version: '0' };
const auto = resolveConsumerOptions({ mode: 'auto' }, SCOPE).incoming;
const headers = resolveConsumerOptions({ mode: 'headers' }, SCOPE).incoming;
const sink = () => undefined;

const COPIES = 256;
for (const [name, payload] of PAYLOADS) {
  const values = Array.from({ length: COPIES }, () => Buffer.from(payload));
  let n = 0;
  let found = 0;
  const message = () => ({ topic: 'orders', partition: 0, offset: '0', key: null, value: values[n++ % COPIES]!, headers: [{ traceparent: Buffer.from(TRACEPARENT) }] });
  const iterations = payload.length > 16 * 1024 ? 2_000 : 50_000;
  const [autoRead, headersRead, stock] = compare(
    {
      auto: () => {
        if (readIncoming(message(), auto, sink).hasRemoteParent) found++;
      },
      headers: () => {
        if (readIncoming(message(), headers, sink).hasRemoteParent) found++;
      },
      stock: () => {
        if (trace.getSpanContext(propagation.extract(ROOT_CONTEXT, headerRecord(message()), bufferGetter)) !== undefined) found++;
      },
    },
    iterations,
  );
  if (found === 0) throw new Error('no context was read');
  const ns = (m: typeof autoRead) => `${m!.nsPerOp.toFixed(0)} ns`;
  console.log(`${name} (${payload.length} B): auto ${ns(autoRead)}, headers ${ns(headersRead)}, stock extract ${ns(stock)}; auto - headers ${(autoRead!.nsPerOp - headersRead!.nsPerOp).toFixed(0)} ns`);
}
