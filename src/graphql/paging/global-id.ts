/**
 * Opaque global ids: base64url of `Type:localId`. The local id carries what a refetch needs
 * (the created time, and for a flow its parent id) so `node(id:)` costs one narrow upstream call.
 */
import { InputError } from '../errors';

export const NODE_TYPES = ['GroupCallTask', 'RecallFlow'] as const;
export type NodeTypeName = (typeof NODE_TYPES)[number];

export interface TaskKey {
  taskId: number;
  /** Created time, epoch seconds. */
  created: number;
}

export interface FlowKey {
  keyId: number;
  taskId: number;
  created: number;
}

export function encodeGlobalID(typename: string, id: string | number | bigint): string {
  return Buffer.from(`${typename}:${id}`).toString('base64url');
}

const malformed = () => new InputError('malformed id');

export function decodeGlobalID(globalID: string): { typename: NodeTypeName; id: string } {
  if (globalID.length === 0 || globalID.length > 200 || !/^[A-Za-z0-9_-]+={0,2}$/.test(globalID)) throw malformed();
  const text = Buffer.from(globalID, 'base64url').toString('utf8');
  const colon = text.indexOf(':');
  const typename = text.slice(0, colon);
  if (colon < 0 || !(NODE_TYPES as readonly string[]).includes(typename)) throw malformed();
  return { typename: typename as NodeTypeName, id: text.slice(colon + 1) };
}

const ints = (local: string, count: number): number[] => {
  const parts = local.split('.');
  if (parts.length !== count || !parts.every((p) => /^\d{1,15}$/.test(p))) throw malformed();
  return parts.map(Number);
};

export const taskLocalId = (k: TaskKey) => `${k.taskId}.${k.created}`;
export const flowLocalId = (k: FlowKey) => `${k.keyId}.${k.taskId}.${k.created}`;

export function parseTaskLocalId(local: string): TaskKey {
  const [taskId, created] = ints(local, 2) as [number, number];
  return { taskId, created };
}

export function parseFlowLocalId(local: string): FlowKey {
  const [keyId, taskId, created] = ints(local, 3) as [number, number, number];
  return { keyId, taskId, created };
}
