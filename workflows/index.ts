/** Every workflow the worker registers. Deterministic code only: no I/O, no Node built-ins. */
export { runFlow } from './run-flow';
export { scheduledFlow } from './scheduled-flow';
