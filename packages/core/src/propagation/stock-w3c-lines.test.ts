import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ROOT_CONTEXT, propagation, trace, type TextMapPropagator } from '@opentelemetry/api';
import * as core from '@opentelemetry/core';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_PROPAGATOR, extractFrom, fieldsGetter } from './propagation.js';
import { stockW3C } from './stock-w3c.js';

/**
 * The fast path and the application's own SDK line. tracecarrier takes @opentelemetry/core as a
 * peer, so the classes it recognises are the application's: every test lane installs one SDK line
 * (SDK 2 with core 2.x, SDK 3 with core 3.x) and runs this file against it. Another copy of core
 * (a second install, whatever its version) is not recognised: it might parse differently.
 */
const require = createRequire(import.meta.url);

/** The folder of the installed package that `name` resolves to, from here or with `from`. */
function packageDir(name: string, from: NodeJS.Require = require): string {
  for (let dir = dirname(from.resolve(name)); dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file) && (JSON.parse(readFileSync(file, 'utf8')) as { name?: string }).name === name) return dir;
  }
  throw new Error(`no package.json for ${name}`);
}

const coreDir = packageDir('@opentelemetry/core');
const coreVersion = (JSON.parse(readFileSync(join(coreDir, 'package.json'), 'utf8')) as { version: string }).version;
const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

// A second install of the same package in a folder of its own, its API the process's: a copy the
// application may hold beside ours (a nested dependency, a bundled SDK).
const elsewhere = mkdtempSync(join(tmpdir(), 'tc-core-copy-'));
function loadCopy(): typeof core {
  const modules = join(elsewhere, 'node_modules', '@opentelemetry');
  mkdirSync(modules, { recursive: true });
  cpSync(coreDir, join(modules, 'core'), { recursive: true, dereference: true });
  // Its dependencies as core's own resolve them (the API, shared by every copy through its globals).
  const fromCore = createRequire(join(coreDir, 'package.json'));
  for (const name of ['@opentelemetry/api', '@opentelemetry/semantic-conventions']) symlinkSync(packageDir(name, fromCore), join(elsewhere, 'node_modules', name), 'dir');
  return createRequire(join(elsewhere, 'app.js'))('@opentelemetry/core') as typeof core;
}

afterEach(() => propagation.disable());
afterAll(() => rmSync(elsewhere, { recursive: true, force: true }));

describe(`the fast path with the application's @opentelemetry/core ${coreVersion} (SDK ${coreVersion.split('.')[0]})`, () => {
  it('is taken with the SDK\'s own W3C propagators, registered as the SDK registers them', () => {
    const registered = new core.CompositePropagator({ propagators: [new core.W3CTraceContextPropagator(), new core.W3CBaggagePropagator()] });
    propagation.setGlobalPropagator(registered);
    expect(stockW3C(undefined, DEFAULT_PROPAGATOR)).toMatchObject({ composite: true, fields: ['traceparent', 'tracestate', 'baggage'] });
    expect(stockW3C(new core.W3CTraceContextPropagator(), DEFAULT_PROPAGATOR)).toMatchObject({ composite: false });
    // Nothing registered: the fallback, made of the same classes.
    propagation.disable();
    expect(stockW3C(undefined, DEFAULT_PROPAGATOR)).toBeDefined();
  });

  it('is not taken with a subclass that overrides extract, nor with a foreign propagator', () => {
    class Lenient extends core.W3CTraceContextPropagator {
      override extract(context: typeof ROOT_CONTEXT): typeof ROOT_CONTEXT {
        return context;
      }
    }
    const foreign: TextMapPropagator = { inject: () => undefined, extract: (context) => context, fields: () => ['traceparent'] };
    expect(stockW3C(new Lenient(), DEFAULT_PROPAGATOR)).toBeUndefined();
    expect(stockW3C(foreign, DEFAULT_PROPAGATOR)).toBeUndefined();
    expect(stockW3C(new core.CompositePropagator({ propagators: [new core.W3CTraceContextPropagator(), foreign] }), DEFAULT_PROPAGATOR)).toBeUndefined();
  });

  it('is not taken with the classes of another copy of @opentelemetry/core, which still extract through the general path', () => {
    const copy = loadCopy();
    expect(copy.W3CTraceContextPropagator).not.toBe(core.W3CTraceContextPropagator);
    const theirs = new copy.CompositePropagator({ propagators: [new copy.W3CTraceContextPropagator(), new copy.W3CBaggagePropagator()] });
    expect(stockW3C(theirs, DEFAULT_PROPAGATOR)).toBeUndefined();
    propagation.setGlobalPropagator(theirs);
    expect(stockW3C(undefined, DEFAULT_PROPAGATOR)).toBeUndefined();
    const extracted = extractFrom(ROOT_CONTEXT, { traceparent: TRACEPARENT }, fieldsGetter, undefined, undefined);
    expect(trace.getSpanContext(extracted)).toMatchObject({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', isRemote: true });
  });
});
