// The shared build settings (tsup.base.ts at the repository root), with the binding entry point.
// Both entries share one copy of each module in CJS too (splitting), so module state — the
// accessor's weak map, the error class — is the same whichever entry loaded it.
import base from '../../tsup.base.js';
import { defineConfig } from 'tsup';

export default defineConfig({ ...base, entry: ['src/index.ts', 'src/binding.ts'], splitting: true });
