/** Public surface of the embedded Laaffic simulator (a test double of the upstream). */
export { startSimulator, DEFAULT_API_KEY, DEFAULT_API_SECRET } from './server';
export type { Simulator, SimulatorOptions, SimulatorCounters } from './server';
export { generateDataset, DEFAULT_SEED, DEFAULT_TASK_COUNT, DEFAULT_FLOW_COUNT } from './data';
export type { Dataset, DatasetOptions } from './data';
export type { TaskRecord, FlowRecord, TimeRange, WireTask, WireFlow } from './records';
export type { TaskInput, FlowInput } from './store';
export { FAULT_KINDS, validateFaultConfig } from './faults';
export type { FaultConfig, FaultKind, QueueFaultOptions } from './faults';
export { ENVELOPE_MODES, ENVELOPE_STYLES } from './envelope';
export type { EnvelopeMode, EnvelopeStyle } from './envelope';
export { md5Sign } from './auth';
export type { Endpoint } from './params';
