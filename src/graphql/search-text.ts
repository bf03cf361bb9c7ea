/** Free-text filter values (a task search, a flow's parent task): bounded, and empty means none. */
import { InputError } from './errors';

// Longer search strings are no name anyone has; refusing them keeps junk away from the upstream.
const MAX_SEARCH_LENGTH = 200;

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * More than `max` characters as a person counts them (grapheme clusters: an emoji, a flag or a
 * letter with its accents is one), not UTF-16 units: 101 emoji are 202 units but 101 characters.
 * Stops counting past `max`, so a long value costs no more than a short one.
 */
export function longerThan(value: string, max: number): boolean {
  // A grapheme is at least one UTF-16 unit: a value this short is within the limit whatever it holds.
  if (value.length <= max) return false;
  let count = 0;
  for (const _ of graphemes.segment(value)) if (++count > max) return true;
  return false;
}

export function searchText(value: string | null | undefined, name: string): string | undefined {
  if (value == null) return undefined;
  if (longerThan(value, MAX_SEARCH_LENGTH)) throw new InputError(`\`${name}\` must be at most ${MAX_SEARCH_LENGTH} characters`);
  return value === '' ? undefined : value;
}
