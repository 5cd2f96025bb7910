/** Kernel I/O of the plugin (quiet executions, magic lines, interrupts) and the plan estimate. */
export * from './deni-kernel';
export * from './plan-estimate';
