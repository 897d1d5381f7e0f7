import { ROOT_CONTEXT, type Context, type TextMapPropagator } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../diagnostics.js';
import { prepareSend } from './message-path.js';
import { resolveProducerOptions } from './runtime.js';

const scope = { name: 'test', version: '0' };
const throwing: TextMapPropagator = {
  inject: () => {
    throw new Error('nope');
  },
  extract: (context: Context) => context,
  fields: () => ['traceparent'],
};

describe('prepareSend', () => {
  // The message's facts are the diagnostics' origin: only their coordinates may reach the hook.
  function diagnosticsOf(partition: number | null | undefined): Diagnostic[] {
    const diagnostics: Diagnostic[] = [];
    const runtime = resolveProducerOptions({ propagator: throwing, onDiagnostic: (d) => diagnostics.push(d) }, scope);
    const facts = { topic: 'orders', partition, key: 'k', value: Buffer.from('{}'), headers: undefined };
    const { span, carry } = prepareSend(runtime, 'send', facts, {}, ROOT_CONTEXT, undefined);
    span.end();
    expect(carry.headerFields).toEqual({});
    return diagnostics;
  }

  it('reports a producer problem with the topic and the partition the application chose', () => {
    const [diagnostic, ...rest] = diagnosticsOf(3);
    expect(rest).toEqual([]);
    expect(Object.keys(diagnostic!).sort()).toEqual(['cause', 'code', 'message', 'partition', 'topic']);
    expect(diagnostic).toMatchObject({ code: 'propagator-error', topic: 'orders', partition: 3 });
  });

  it('leaves the partition out when the partitioner chooses it (null or absent)', () => {
    for (const partition of [null, undefined]) {
      const [diagnostic] = diagnosticsOf(partition);
      expect(Object.keys(diagnostic!).sort()).toEqual(['cause', 'code', 'message', 'topic']);
    }
  });
});
