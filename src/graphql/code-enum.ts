/**
 * Enums backed by the upstream's integer codes. Codes the upstream adds later map to UNKNOWN
 * (logged once per process); UNKNOWN has no code, so using it as a filter is BAD_USER_INPUT.
 */
import type { Logger } from 'pino';
import { builder } from './builder';
import { InputError } from './errors';

export const UNKNOWN = -1;

const loggedUnknown = new Set<string>();

export function defineCodeEnum(name: string, description: string, codes: Record<string, { code: number; description: string }>) {
  const known = new Set(Object.values(codes).map((c) => c.code));
  const values: Record<string, { value: number; description: string }> = {};
  for (const [key, c] of Object.entries(codes)) values[key] = { value: c.code, description: c.description };
  values.UNKNOWN = { value: UNKNOWN, description: 'A value the upstream added after this gateway was built.' };
  const ref = builder.enumType(name, { description, values });

  return {
    ref,
    /** The enum value for an upstream code: the code itself when known, else UNKNOWN. */
    fromCode(code: number, log: Logger): number {
      if (known.has(code)) return code;
      const key = `${name}:${code}`;
      if (!loggedUnknown.has(key)) {
        loggedUnknown.add(key);
        log.warn({ enum: name, code }, 'upstream sent an unknown enum code; served as UNKNOWN');
      }
      return UNKNOWN;
    },
    /** The upstream code for a filter value; UNKNOWN has none. */
    toCode(value: number): number {
      if (value === UNKNOWN) throw new InputError(`${name}.UNKNOWN cannot be used as a filter value`);
      return value;
    },
  };
}
