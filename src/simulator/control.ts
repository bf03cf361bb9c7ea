/**
 * Validation of the bodies of the `/__sim/records/*` and `/__sim/live/*` controls. Each check
 * throws a ControlError naming the offending field; the server answers it as HTTP 400.
 */
import { MAX_STEPS_PER_CALL } from './live';
import { LINES, type Line } from './records';
import type { FlowPatch, TaskPatch } from './store';

export class ControlError extends Error {}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export function parseJsonObject(raw: string): Json {
  if (raw.trim() === '') return {};
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    throw new ControlError('body is not valid JSON');
  }
  if (!isObject(v)) throw new ControlError('body must be a JSON object');
  return v;
}

export function lineField(body: Json): Line {
  const v = body.line;
  if (typeof v !== 'string' || !(LINES as readonly string[]).includes(v)) {
    throw new ControlError(`line must be one of ${LINES.join(', ')}`);
  }
  return v as Line;
}

export function intField(body: Json, name: string, min = -Infinity): number {
  const v = body[name];
  if (!Number.isSafeInteger(v) || (v as number) < min) {
    throw new ControlError(`${name} must be an integer${min > -Infinity ? ` >= ${min}` : ''}`);
  }
  return v as number;
}

export function stepsField(body: Json): number {
  if (body.steps === undefined) return 1;
  const steps = intField(body, 'steps', 1);
  if (steps > MAX_STEPS_PER_CALL) throw new ControlError(`steps must be at most ${MAX_STEPS_PER_CALL}`);
  return steps;
}

type FieldKind = 'string' | 'int' | 'count' | 'positive' | 'optionalInt';

const TASK_FIELDS: Readonly<Record<keyof TaskPatch, FieldKind>> = {
  taskName: 'string',
  status: 'int',
  rate: 'string',
  numCnt: 'count',
  callNum: 'count',
  success: 'count',
  fail: 'count',
  scriptId: 'optionalInt',
  taskType: 'optionalInt',
  appId: 'int',
  voiceFileName: 'string',
  ttsText: 'string',
};

const FLOW_FIELDS: Readonly<Record<keyof FlowPatch, FieldKind>> = {
  taskName: 'string',
  recallType: 'int',
  recallInterval: 'positive',
  recallNum: 'count',
  finishNum: 'count',
  status: 'int',
};

function fields<T>(value: unknown, name: string, spec: Readonly<Record<string, FieldKind>>, allowNull: boolean): T {
  if (value === undefined) return {} as T;
  if (!isObject(value)) throw new ControlError(`${name} must be an object`);
  const out: Json = {};
  for (const [key, v] of Object.entries(value)) {
    const kind = spec[key];
    if (!kind) throw new ControlError(`${name}.${key} cannot be set (settable: ${Object.keys(spec).join(', ')})`);
    if (v === undefined) continue;
    const ok =
      kind === 'string'
        ? typeof v === 'string'
        : kind === 'optionalInt'
          ? (v === null && allowNull) || Number.isSafeInteger(v)
          : Number.isSafeInteger(v) && (kind === 'int' || (v as number) >= (kind === 'positive' ? 1 : 0));
    if (!ok) {
      const what =
        kind === 'string' ? 'a string' : kind === 'count' ? 'an integer >= 0' : kind === 'positive' ? 'an integer >= 1' : 'an integer';
      throw new ControlError(`${name}.${key} must be ${what}${kind === 'optionalInt' && allowNull ? ' or null' : ''}`);
    }
    out[key] = v;
  }
  return out as T;
}

/** `patch` of POST /__sim/records/task (null removes scriptId / taskType). */
export function taskPatchField(body: Json, name = 'patch'): TaskPatch {
  return fields<TaskPatch>(body[name], name, TASK_FIELDS, true);
}

/** `task` of POST /__sim/records/add-task (no nulls: leave a field out instead). */
export function taskInputField(body: Json): Omit<TaskPatch, 'scriptId' | 'taskType'> & { scriptId?: number; taskType?: number } {
  return fields(body.task, 'task', TASK_FIELDS, false);
}

/** `patch` of POST /__sim/records/flow, `flow` of POST /__sim/records/add-flow. */
export function flowPatchField(body: Json, name: string): FlowPatch {
  return fields<FlowPatch>(body[name], name, FLOW_FIELDS, false);
}
