import { describe, expect, it } from 'vitest';
import { identityOf } from './identity.js';

describe('identityOf', () => {
  it('takes server.address and server.port from the first broker', () => {
    expect(identityOf({ clientId: 'c', brokers: ['kafka-1:9093', 'kafka-2:9093'] }, 'g')).toEqual({
      clientId: 'c',
      serverAddress: 'kafka-1',
      serverPort: 9093,
      groupId: 'g',
    });
    expect(identityOf({ brokers: ['[::1]:9092'] })).toMatchObject({ serverAddress: '::1', serverPort: 9092 });
    expect(identityOf({ brokers: ['broker'] })).toMatchObject({ serverAddress: 'broker', serverPort: undefined });
  });
});
