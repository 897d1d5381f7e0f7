import { afterEach, describe, expect, it, vi } from 'vitest';
import { messagingSemconvMode, onMessagingSemconvModeChange, parseMessagingSemconvMode, setMessagingSemconvModeForTesting } from './semconv-stability.js';

describe('parseMessagingSemconvMode', () => {
  it('unset or empty: old', () => {
    expect(parseMessagingSemconvMode(undefined)).toBe('old');
    expect(parseMessagingSemconvMode('')).toBe('old');
    expect(parseMessagingSemconvMode(' , ,')).toBe('old');
  });

  it('messaging: new', () => {
    expect(parseMessagingSemconvMode('messaging')).toBe('new');
  });

  it('messaging/dup: dup', () => {
    expect(parseMessagingSemconvMode('messaging/dup')).toBe('dup');
  });

  it('both listed: dup wins, in either order', () => {
    expect(parseMessagingSemconvMode('messaging,messaging/dup')).toBe('dup');
    expect(parseMessagingSemconvMode('messaging/dup,messaging')).toBe('dup');
  });

  it('tokens are trimmed and compared without regard to case', () => {
    expect(parseMessagingSemconvMode('  messaging  ')).toBe('new');
    expect(parseMessagingSemconvMode('http , messaging/dup ')).toBe('dup');
    expect(parseMessagingSemconvMode('\tMessaging\n')).toBe('new');
    expect(parseMessagingSemconvMode('MESSAGING/DUP')).toBe('dup');
  });

  it("other domains' tokens, and near misses, leave old", () => {
    expect(parseMessagingSemconvMode('http')).toBe('old');
    expect(parseMessagingSemconvMode('http/dup,database,k8s')).toBe('old');
    expect(parseMessagingSemconvMode('messaging/new')).toBe('old');
    expect(parseMessagingSemconvMode('messaging-dup')).toBe('old');
    expect(parseMessagingSemconvMode('messagingdup')).toBe('old');
    expect(parseMessagingSemconvMode('messaging dup')).toBe('old');
    expect(parseMessagingSemconvMode('http,messaging')).toBe('new');
  });
});

describe('the mode in force', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
    setMessagingSemconvModeForTesting(undefined);
  });

  it('is read from OTEL_SEMCONV_STABILITY_OPT_IN when the module loads', async () => {
    for (const [value, mode] of [['messaging', 'new'], ['http, messaging/dup', 'dup'], ['http', 'old']] as const) {
      vi.stubEnv('OTEL_SEMCONV_STABILITY_OPT_IN', value);
      vi.resetModules();
      const fresh = await import('./semconv-stability.js');
      expect(fresh.messagingSemconvMode()).toBe(mode);
    }
  });

  it('a test can set it without touching the environment, tell the modules that cache by it, and go back to the environment', () => {
    vi.stubEnv('OTEL_SEMCONV_STABILITY_OPT_IN', 'messaging');
    const seen: string[] = [];
    onMessagingSemconvModeChange((mode) => seen.push(mode));
    setMessagingSemconvModeForTesting('dup');
    expect(messagingSemconvMode()).toBe('dup');
    expect(process.env.OTEL_SEMCONV_STABILITY_OPT_IN).toBe('messaging');
    setMessagingSemconvModeForTesting(undefined);
    expect(messagingSemconvMode()).toBe('new');
    expect(seen).toEqual(['dup', 'new']);
  });
});
