import { TracecarrierError } from '../../errors.js';

// Options of every tracecarrier wrapper: none of them is a librdkafka topic property.
const OPTION_NAMES = new Set([
  'mode',
  'carriers',
  'envelope',
  'limits',
  'propagator',
  'tracerProvider',
  'onDiagnostic',
  'producerHook',
  'consumerHook',
  'relationship',
  'baggage',
]);

/**
 * Fails fast when tracecarrier options were passed in the client's topic-config slot (the second
 * constructor argument): librdkafka would refuse them later with `No such configuration property`.
 */
export function refuseOptionsInTopicConfig(topicConf: object | undefined, className: string, library: string): void {
  if (topicConf === undefined || topicConf === null) return;
  const misplaced = Object.keys(topicConf).filter((key) => OPTION_NAMES.has(key));
  if (misplaced.length === 0) return;
  throw new TracecarrierError(
    'invalid-options',
    `${className}: ${misplaced.map((key) => `"${key}"`).join(', ')} ${misplaced.length === 1 ? 'is a tracecarrier option' : 'are tracecarrier options'} given in ${library}'s topic config (the second argument); pass tracecarrier options as the third argument: new ${className}(globalConfig, topicConfig, { ${misplaced[0]}: … })`,
    { path: `topicConf.${misplaced[0]}` },
  );
}
