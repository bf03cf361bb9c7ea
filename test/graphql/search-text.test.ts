/** search-text.ts: free-text filter values are bounded in characters as a person counts them. */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/graphql/errors';
import { longerThan, searchText } from '../../src/graphql/search-text';

describe('searchText', () => {
  it('counts grapheme clusters, not UTF-16 units: 200 emoji pass, 201 do not', () => {
    expect(searchText('😀'.repeat(101), 'filter.search')).toBe('😀'.repeat(101));
    expect(searchText('😀'.repeat(200), 'filter.search')).toHaveLength(400);
    expect(() => searchText('😀'.repeat(201), 'filter.search')).toThrow(InputError);
    expect(() => searchText('😀'.repeat(201), 'filter.search')).toThrow('`filter.search` must be at most 200 characters');
  });

  it('a family, a flag, a letter with its accents: one character each', () => {
    const family = '👨‍👩‍👧‍👦'; // four people joined by zero-width joiners: 11 UTF-16 units
    const flag = '🇨🇳';
    const accented = 'e\u0301\u0302';
    for (const c of [family, flag, accented]) {
      expect(longerThan(c.repeat(200), 200), c).toBe(false);
      expect(longerThan(c.repeat(201), 200), c).toBe(true);
    }
    expect(longerThan('中'.repeat(200), 200)).toBe(false);
    expect(longerThan('a'.repeat(201), 200)).toBe(true);
  });

  it('an empty value means no filter; a 99 KB one is refused without counting it all', () => {
    expect(searchText('', 'filter.search')).toBeUndefined();
    expect(searchText(null, 'filter.search')).toBeUndefined();
    const started = performance.now();
    expect(() => searchText('x'.repeat(99_000), 'filter.parentTask')).toThrow('`filter.parentTask` must be at most 200 characters');
    expect(performance.now() - started).toBeLessThan(50);
  });
});
