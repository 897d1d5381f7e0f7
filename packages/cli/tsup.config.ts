// The shared build settings, with the command's entry point beside the library's.
import base from '../../tsup.base.js';
import { defineConfig } from 'tsup';

export default defineConfig({ ...base, entry: ['src/index.ts', 'src/bin.ts'] });
