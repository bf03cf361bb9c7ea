/** paging/global-id.ts: opaque Relay ids round-trip; malformed ones are a BAD_USER_INPUT, never a crash. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/graphql/errors';
import {
  decodeGlobalID,
  encodeGlobalID,
  flowLocalId,
  parseFlowLocalId,
  parseTaskLocalId,
  taskLocalId,
} from '../../../src/graphql/paging/global-id';

const b64 = (text: string) => Buffer.from(text).toString('base64url');

function expectBadInput(fn: () => unknown) {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(InputError);
  expect((thrown as InputError).code).toBe('BAD_USER_INPUT');
}

describe('global ids', () => {
  it('round-trip a GroupCallTask id: type, taskId and created second', () => {
    const key = { taskId: 5_012_284, created: 1_795_269_526 };
    const id = encodeGlobalID('GroupCallTask', taskLocalId(key));
    expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(id).not.toContain('5012284');
    const decoded = decodeGlobalID(id);
    expect(decoded.typename).toBe('GroupCallTask');
    expect(parseTaskLocalId(decoded.id)).toEqual({ line: 'GROUP_CALL', ...key });
  });

  it('round-trip a RecallFlow id: type, keyId, parent taskId and created second', () => {
    const key = { keyId: 882_753, taskId: 5_012_282, created: 1_795_271_599 };
    const decoded = decodeGlobalID(encodeGlobalID('RecallFlow', flowLocalId(key)));
    expect(decoded.typename).toBe('RecallFlow');
    expect(parseFlowLocalId(decoded.id)).toEqual({ line: 'GROUP_CALL', ...key });
  });

  it('carry the product line: an AI Agent id round-trips with its line and differs from the group-call one', () => {
    const task = { line: 'AI_AGENT' as const, taskId: 5_009_611, created: 1_755_400_000 };
    const flow = { line: 'AI_AGENT' as const, keyId: 880_461, taskId: 5_009_611, created: 1_755_400_050 };
    const t = decodeGlobalID(encodeGlobalID('GroupCallTask', taskLocalId(task)));
    expect(parseTaskLocalId(t.id)).toEqual(task);
    expect(parseFlowLocalId(decodeGlobalID(encodeGlobalID('RecallFlow', flowLocalId(flow))).id)).toEqual(flow);
    expect(encodeGlobalID('GroupCallTask', taskLocalId(task))).not.toBe(
      encodeGlobalID('GroupCallTask', taskLocalId({ ...task, line: 'GROUP_CALL' })),
    );
  });

  it('ids issued before there were two lines (no line part) are the group-call line, spelt the same today', () => {
    // The exact bytes an id had before the change: base64url of `GroupCallTask:5012284.1795269526`.
    const old = Buffer.from('GroupCallTask:5012284.1795269526').toString('base64url');
    expect(parseTaskLocalId(decodeGlobalID(old).id)).toEqual({ line: 'GROUP_CALL', taskId: 5_012_284, created: 1_795_269_526 });
    expect(encodeGlobalID('GroupCallTask', taskLocalId({ line: 'GROUP_CALL', taskId: 5_012_284, created: 1_795_269_526 }))).toBe(old);
    const oldFlow = Buffer.from('RecallFlow:882753.5012282.1795271599').toString('base64url');
    expect(parseFlowLocalId(decodeGlobalID(oldFlow).id)).toEqual({ line: 'GROUP_CALL', keyId: 882_753, taskId: 5_012_282, created: 1_795_271_599 });
  });

  it('an id naming an unknown line is BAD_USER_INPUT', () => {
    expectBadInput(() => parseTaskLocalId('IVR.1.2'));
    expectBadInput(() => parseFlowLocalId('ai_agent.1.2.3'));
  });

  it('round-trip any keys (property)', () => {
    const n = fc.nat({ max: 999_999_999_999 });
    fc.assert(
      fc.property(n, n, n, (a, b, c) => {
        const t = decodeGlobalID(encodeGlobalID('GroupCallTask', taskLocalId({ taskId: a, created: b })));
        expect([t.typename, parseTaskLocalId(t.id)]).toEqual(['GroupCallTask', { line: 'GROUP_CALL', taskId: a, created: b }]);
        const f = decodeGlobalID(encodeGlobalID('RecallFlow', flowLocalId({ keyId: a, taskId: b, created: c })));
        expect([f.typename, parseFlowLocalId(f.id)]).toEqual(['RecallFlow', { line: 'GROUP_CALL', keyId: a, taskId: b, created: c }]);
      }),
      { numRuns: 300 },
    );
  });

  it('give different ids to different records', () => {
    const ids = new Set([
      encodeGlobalID('GroupCallTask', taskLocalId({ taskId: 1, created: 2 })),
      encodeGlobalID('GroupCallTask', taskLocalId({ taskId: 1, created: 3 })),
      encodeGlobalID('GroupCallTask', taskLocalId({ taskId: 12, created: 3 })),
      encodeGlobalID('RecallFlow', flowLocalId({ keyId: 1, taskId: 2, created: 3 })),
    ]);
    expect(ids.size).toBe(4);
  });

  it.each<[string, string]>([
    ['empty', ''],
    ['garbage with punctuation', 'garbage!!'],
    ['standard base64 alphabet', 'R3JvdXBD+/'],
    ['three padding characters', `${b64('GroupCallTask:1.2')}===`],
    ['no colon', b64('GroupCallTask')],
    ['no type', b64(':1.2')],
    ['unknown type', b64('Query:1.2')],
    ['type in other case', b64('groupcalltask:1.2')],
    ['binary junk', Buffer.from([0xff, 0xfe, 0x00, 0x3a]).toString('base64url')],
    ['huge string', 'A'.repeat(100_000)],
  ])('decodeGlobalID refuses %s', (_name, id) => {
    expectBadInput(() => decodeGlobalID(id));
  });

  it.each<[string, string]>([
    ['empty', ''],
    ['one part', '5012284'],
    ['three parts', '1.2.3'],
    ['negative', '-1.2'],
    ['not a number', '1.x'],
    ['exponent', '1.2e5'],
    ['fraction-like', '1..2'],
    ['too many digits', '1234567890123456.1'],
    ['whitespace', ' 1.2'],
  ])('parseTaskLocalId refuses %s', (_name, local) => {
    expectBadInput(() => parseTaskLocalId(local));
  });

  it.each<[string, string]>([
    ['two parts', '1.2'],
    ['four parts', '1.2.3.4'],
    ['negative', '1.-2.3'],
    ['hex', '0x1.2.3'],
  ])('parseFlowLocalId refuses %s', (_name, local) => {
    expectBadInput(() => parseFlowLocalId(local));
  });
});
