/**
 * What a cached operation costs in heap, estimated from its text and its token count, for the
 * caches that keep documents by text (yoga's parse cache, the fast lane's prepared operations).
 * Counting characters alone is not a bound: a 4 KB text of 2,000 tokens parses into ~1 MB of
 * AST, locations and tokens, so 200 of them ran a 192 MB gateway out of heap. Per token (measured
 * with `--expose-gc`: retained heap after a forced GC, N documents held): the parsed document
 * ~360-510 bytes, a graphql-jit compilation of it another ~300-450.
 */
import type { DocumentNode, Token } from 'graphql';

export const AST_BYTES_PER_TOKEN = 600;
export const JIT_BYTES_PER_TOKEN = 500;

/** Tokens of a parsed document (its location's token list), or a generous guess without one. */
export function tokenCount(document: DocumentNode, text: string): number {
  let n = 0;
  for (let t: Token | null | undefined = document.loc?.startToken; t; t = t.next) n++;
  // Parsed without locations: a token takes at least two characters with its separator.
  return n > 0 ? n : Math.ceil(text.length / 2);
}

/** Estimated bytes of a text (two per character at worst) and its document with `compilations` jit compilations. */
export function documentWeight(text: string, document: DocumentNode, compilations = 0): number {
  return 2 * text.length + tokenCount(document, text) * (AST_BYTES_PER_TOKEN + compilations * JIT_BYTES_PER_TOKEN);
}

/** Estimated bytes of a text whose parse failed (the error keeps the text, not a document). */
export function failedTextWeight(text: string): number {
  return 2 * text.length + 1_024;
}
