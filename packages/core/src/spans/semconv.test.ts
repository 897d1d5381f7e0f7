import * as incubating from '@opentelemetry/semantic-conventions/incubating';
import { describe, expect, it } from 'vitest';
import * as semconv from './semconv.js';

describe('our semantic-convention constants', () => {
  it('match @opentelemetry/semantic-conventions name for name', () => {
    const ours = Object.entries(semconv).filter(([name]) => name !== 'SEMCONV_VERSION');
    expect(ours.length).toBeGreaterThan(15);
    for (const [name, value] of ours) expect(value, name).toBe((incubating as Record<string, unknown>)[name]);
  });
});
