import { ROOT_CONTEXT } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../diagnostics.js';
import { manualPropagation } from './manual-propagation.js';

const SCOPE = { name: 'test', version: '0' };

function withDiagnostics() {
  const reported: Diagnostic[] = [];
  const onDiagnostic = (diagnostic: Diagnostic): void => void reported.push(diagnostic);
  return { manual: manualPropagation({ consumer: { onDiagnostic }, producer: { onDiagnostic } }, SCOPE), reported };
}

describe('the manual API reports where the message came from', () => {
  it('read: the topic, partition and offset of the message, once per problem', () => {
    const { manual, reported } = withDiagnostics();
    const read = manual.read({ topic: 'orders', partition: 3, offset: '42', key: null, value: Buffer.from('{}'), headers: { traceparent: Buffer.from('00-nope') } });
    expect(read.carrier).toBe('none');
    expect(reported).toHaveLength(1);
    expect(reported[0]).toMatchObject({ code: 'invalid-context', topic: 'orders', partition: 3, offset: '42' });
  });

  it('read: what the message does not say is left out (no partition, no offset)', () => {
    const { manual, reported } = withDiagnostics();
    manual.read({ topic: 'orders', key: null, value: null, headers: { traceparent: Buffer.from('00-nope') } });
    expect(reported).toHaveLength(1);
    expect(Object.keys(reported[0]!).sort()).toEqual(['code', 'field', 'message', 'topic']);
  });

  it('read: a message read twice reports twice (each read has its own diagnostics)', () => {
    const { manual, reported } = withDiagnostics();
    const message = { topic: 'orders', partition: 0, offset: '7', key: null, value: null, headers: { traceparent: Buffer.from('00-nope') } };
    manual.read(message);
    manual.read(message);
    expect(reported.map((diagnostic) => diagnostic.offset)).toEqual(['7', '7']);
  });

  it('carry: the topic of the message a throwing propagator could not carry into', () => {
    const reported: Diagnostic[] = [];
    const throwing = { inject: () => { throw new Error('boom'); }, extract: (context: never) => context, fields: () => [] };
    const manual = manualPropagation({ producer: { propagator: throwing, onDiagnostic: (diagnostic) => void reported.push(diagnostic) } }, SCOPE);
    const { carry } = manual.carry({ topic: 'payments', key: null, value: Buffer.from('x'), headers: undefined }, ROOT_CONTEXT);
    expect(carry.value).toEqual(Buffer.from('x'));
    expect(reported).toHaveLength(1);
    expect(reported[0]).toMatchObject({ code: 'propagator-error', topic: 'payments' });
    expect(reported[0]).not.toHaveProperty('partition');
  });
});
