/**
 * Opaque global ids: base64url of `Type:localId`. The local id carries what a refetch needs
 * (the product line, the created time, and for a flow its parent id) so `node(id:)` costs one
 * narrow upstream call in the right line. The group-call line's ids are spelt as they were before
 * there was a second line (no line part), so every id ever issued still resolves, and to the same
 * object; other lines prefix their name (`AI_AGENT.5009611.1755400000`).
 */
import { PRODUCT_LINE_IDS, type ProductLineId } from '../../upstream/lines';
import { InputError } from '../errors';

export const NODE_TYPES = ['GroupCallTask', 'RecallFlow'] as const;
export type NodeTypeName = (typeof NODE_TYPES)[number];

export interface TaskKey {
  /** The product line; absent = GROUP_CALL. Parsing always sets it. */
  line?: ProductLineId;
  taskId: number;
  /** Created time, epoch seconds. */
  created: number;
}

export interface FlowKey {
  line?: ProductLineId;
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

/** The line and the integer parts of a local id; an unknown line word is BAD_USER_INPUT. */
const parts = (local: string, count: number): { line: ProductLineId; ints: number[] } => {
  const all = local.split('.');
  let line: ProductLineId = 'GROUP_CALL';
  if (all.length === count + 1) {
    const word = all.shift()!;
    if (!(PRODUCT_LINE_IDS as readonly string[]).includes(word)) throw new InputError('the id names an unknown product line');
    line = word as ProductLineId;
  }
  if (all.length !== count || !all.every((p) => /^\d{1,15}$/.test(p))) throw malformed();
  return { line, ints: all.map(Number) };
};

const linePart = (line: ProductLineId | undefined) => (line === undefined || line === 'GROUP_CALL' ? '' : `${line}.`);

export const taskLocalId = (k: TaskKey) => `${linePart(k.line)}${k.taskId}.${k.created}`;
export const flowLocalId = (k: FlowKey) => `${linePart(k.line)}${k.keyId}.${k.taskId}.${k.created}`;

export function parseTaskLocalId(local: string): Required<TaskKey> {
  const { line, ints } = parts(local, 2);
  const [taskId, created] = ints as [number, number];
  return { line, taskId, created };
}

export function parseFlowLocalId(local: string): Required<FlowKey> {
  const { line, ints } = parts(local, 3);
  const [keyId, taskId, created] = ints as [number, number, number];
  return { line, keyId, taskId, created };
}
