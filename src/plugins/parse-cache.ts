/**
 * yoga's parse cache (documents and parse errors by operation text), bounded in characters as
 * well as in entries. yoga's default keeps 1,024 texts whatever their size: a client sending
 * distinct texts near the body limit (100 KB by default; comments count, tokens do not) pins
 * ~100 MB of heap in it, half of what the gateway is allowed. Validation results stay in yoga's
 * own cache, which is keyed by the document objects held here, so it shrinks with this one.
 */
import type { DocumentNode } from 'graphql';
import { LRUCache } from 'lru-cache';

export interface ParseCacheLimits {
  /** Distinct texts kept in each of the two caches (yoga's default: 1,024). */
  maxEntries: number;
  /** Total characters of the texts kept in each cache (a document retains its text). */
  maxChars: number;
}

export const DEFAULT_PARSE_CACHE_LIMITS: ParseCacheLimits = { maxEntries: 1_024, maxChars: 4_000_000 };

/** The cache interface yoga's parserAndValidationCache option takes. */
export interface TextCache<T> {
  get(key: string): T | undefined;
  set(key: string, value: T): void;
}

export interface ParseCache {
  documentCache: TextCache<DocumentNode>;
  errorCache: TextCache<Error>;
  validationCache: true;
}

function textCache<T extends object>(limits: ParseCacheLimits): LRUCache<string, T> {
  return new LRUCache<string, T>({
    max: limits.maxEntries,
    maxSize: limits.maxChars,
    // A text larger than the whole room is simply not kept (lru-cache refuses it).
    sizeCalculation: (_value, text) => Math.max(1, text.length),
  });
}

export function createParseCache(limits: ParseCacheLimits = DEFAULT_PARSE_CACHE_LIMITS): ParseCache & {
  documentCache: LRUCache<string, DocumentNode>;
  errorCache: LRUCache<string, Error>;
} {
  return { documentCache: textCache<DocumentNode>(limits), errorCache: textCache<Error>(limits), validationCache: true };
}
