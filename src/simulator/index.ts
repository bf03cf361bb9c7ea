/** Public surface of the embedded Laaffic simulator (a test double of the upstream). */
export { startSimulator, DEFAULT_API_KEY, DEFAULT_API_SECRET } from './server';
export type { Simulator, SimulatorOptions, SimulatorCounters, EndpointCounters } from './server';
export { simulatorOptionsFromEnv, SimulatorEnvError } from './env';
export {
  generateDataset,
  DEFAULT_SEED,
  DEFAULT_TASK_COUNT,
  DEFAULT_FLOW_COUNT,
  DEFAULT_AGENT_TASK_COUNT,
  DEFAULT_AGENT_FLOW_COUNT,
} from './data';
export type { Dataset, DatasetOptions, LineData } from './data';
export { LINES } from './records';
export type {
  Line,
  TaskRecord,
  FlowRecord,
  TimeRange,
  WireTask,
  WireFlow,
  WireNode,
  WireFlowDetail,
} from './records';
export { RecordError } from './store';
export type { TaskInput, FlowInput, TaskPatch, FlowPatch } from './store';
export { DEFAULT_HORIZON_HOURS, DEFAULT_STEP_MS } from './live';
export type { LiveOptions, LiveState } from './live';
export { FAULT_KINDS, validateFaultConfig } from './faults';
export type { FaultConfig, FaultKind, QueueFaultOptions } from './faults';
export { ENVELOPE_MODES, ENVELOPE_STYLES } from './envelope';
export type { EnvelopeMode, EnvelopeStyle } from './envelope';
export { md5Sign } from './auth';
export { ENDPOINTS, PATHS } from './routes';
export type { Endpoint } from './routes';
