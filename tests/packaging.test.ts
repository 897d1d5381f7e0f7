import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * The built packages as users load them, in a plain Node process (`scripts/test.sh` builds first):
 * an error thrown by one build is `instanceof TracecarrierError` of the other (the dual-package
 * hazard), across packages too.
 */
const root = new URL('..', import.meta.url).pathname;

const PROBE = `
import { createRequire } from 'node:module';
import util from 'node:util';
const require = createRequire(process.cwd() + '/package.json');
const cjsCore = require('@tracecarrier/core');
const esmCore = await import('@tracecarrier/core');
const cjsKafkajs = require('@tracecarrier/kafkajs');
const esmRdkafka = await import('@tracecarrier/node-rdkafka');
let thrown;
try { cjsKafkajs.createMessagePropagator({ mode: 'envelope' }); } catch (error) { thrown = error; }
console.log(JSON.stringify({
  distinctClasses: cjsCore.TracecarrierError !== esmCore.TracecarrierError,
  cjsIsEsm: new cjsCore.TracecarrierError('invalid-options', 'x') instanceof esmCore.TracecarrierError,
  esmIsCjs: new esmCore.TracecarrierError('invalid-options', 'x') instanceof cjsCore.TracecarrierError,
  plainIsNot: new Error('x') instanceof esmCore.TracecarrierError,
  bindingErrorAcrossPackages: thrown instanceof esmRdkafka.TracecarrierError && thrown instanceof esmCore.TracecarrierError,
  code: thrown && thrown.code,
  // What a log line shows of the class: its name in both builds (the CJS build once said _class).
  names: [cjsCore.TracecarrierError.name, esmCore.TracecarrierError.name, thrown && thrown.constructor.name, thrown && thrown.name],
  printed: [util.inspect(thrown).split(':')[0], util.inspect(new esmCore.TracecarrierError('invalid-options', 'x')).split(':')[0]],
}));
`;

describe('the built packages', () => {
  it('are built', () => {
    expect(existsSync(`${root}packages/core/dist/index.cjs`), 'run `pnpm build` (scripts/test.sh does)').toBe(true);
  });

  it('share one TracecarrierError across the ESM and CJS builds, and across packages', () => {
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', PROBE], { cwd: root, encoding: 'utf8' });
    expect(JSON.parse(out.trim().split('\n').at(-1)!)).toEqual({
      distinctClasses: true,
      cjsIsEsm: true,
      esmIsCjs: true,
      plainIsNot: false,
      bindingErrorAcrossPackages: true,
      code: 'invalid-options',
      names: ['TracecarrierError', 'TracecarrierError', 'TracecarrierError', 'TracecarrierError'],
      printed: ['TracecarrierError', 'TracecarrierError'],
    });
  });
});
