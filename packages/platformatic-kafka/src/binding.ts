import type { PltBinding } from '@tracecarrier/core/binding';
import { INSTRUMENTATION_SCOPE } from './version.js';

/** What the class factories of core need to know about @platformatic/kafka. */
export const BINDING: PltBinding = { scope: INSTRUMENTATION_SCOPE, library: '@platformatic/kafka' };
