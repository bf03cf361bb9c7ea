/**
 * yoga's parse cache (documents and parse errors by operation text), bounded by the heap its
 * entries hold as well as by their count. yoga's default keeps 1,024 texts whatever they hold:
 * distinct texts near the body limit padded with comments (which no token limit sees) pinned
 * ~100 MB, and distinct token-dense texts (2,000 tokens in 4 KB, ~1 MB of AST each, cached even
 * when validation then refuses them) ran a 192 MB gateway out of heap within 200 requests.
 * Validation results stay in yoga's own cache, keyed by the document objects held here, and the
 * graphql-jit compilations (compiled-operations.ts) by their operations, so both shrink with this one.
 */
import type { DocumentNode } from 'graphql';
import { LRUCache } from 'lru-cache';
import { documentWeight, failedTextWeight } from './document-weight';

export interface ParseCacheLimits {
  /** Distinct texts kept in each of the two caches (yoga's default: 1,024). */
  maxEntries: number;
  /** Estimated heap (bytes) the parsed documents may hold (document-weight.ts). */
  maxDocumentBytes: number;
  /** Estimated heap (bytes) the remembered parse errors may hold. */
  maxErrorBytes: number;
}

export const DEFAULT_PARSE_CACHE_LIMITS: ParseCacheLimits = {
  maxEntries: 1_024,
  maxDocumentBytes: 24 * 1024 * 1024,
  maxErrorBytes: 4 * 1024 * 1024,
};

/** The cache interface yoga's parserAndValidationCache option takes. */
export interface TextCache<T> {
  get(key: string): T | undefined;
  set(key: string, value: T): void;
}

export interface ParseCache {
  documentCache: LRUCache<string, DocumentNode>;
  errorCache: LRUCache<string, Error>;
  validationCache: true;
}

export function createParseCache(limits: ParseCacheLimits = DEFAULT_PARSE_CACHE_LIMITS): ParseCache {
  // An entry larger than its whole budget is simply not kept (lru-cache drops it, no error).
  return {
    documentCache: new LRUCache<string, DocumentNode>({
      max: limits.maxEntries,
      maxSize: limits.maxDocumentBytes,
      // Valid documents also get a graphql-jit compilation kept beside them (compiled-operations.ts).
      sizeCalculation: (document, text) => documentWeight(text, document, 1),
    }),
    errorCache: new LRUCache<string, Error>({
      max: limits.maxEntries,
      maxSize: limits.maxErrorBytes,
      sizeCalculation: (_error, text) => failedTextWeight(text),
    }),
    validationCache: true,
  };
}
