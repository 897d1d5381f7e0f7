// The shared build settings (tsup.base.ts at the repository root), with the binding entry point.
import base from '../../tsup.base.js';
import { defineConfig } from 'tsup';

export default defineConfig({ ...base, entry: ['src/index.ts', 'src/binding.ts'] });
