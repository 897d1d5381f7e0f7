// The shared build settings: see tsup.base.ts at the repository root.
export { default } from '../../tsup.base.js';
