/** Free-text filter values (a task search, a flow's parent task): bounded, and empty means none. */
import { InputError } from './errors';

// Longer search strings are no name anyone has; refusing them keeps junk away from the upstream.
const MAX_SEARCH_LENGTH = 200;

export function searchText(value: string | null | undefined, name: string): string | undefined {
  if (value == null) return undefined;
  if (value.length > MAX_SEARCH_LENGTH) throw new InputError(`\`${name}\` must be at most ${MAX_SEARCH_LENGTH} characters`);
  return value === '' ? undefined : value;
}
