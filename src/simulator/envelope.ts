/**
 * The upstream's response envelopes. The provider's pages disagree on the field names and on
 * whether the code is a number or a string, so the simulator can answer in any of the four
 * variants, or rotate through them so every client path gets exercised.
 */

export type EnvelopeStyle = 'code' | 'status' | 'code-string' | 'status-string';
export type EnvelopeMode = EnvelopeStyle | 'rotate';

export const ENVELOPE_STYLES: readonly EnvelopeStyle[] = ['code', 'status', 'code-string', 'status-string'];
export const ENVELOPE_MODES: readonly EnvelopeMode[] = [...ENVELOPE_STYLES, 'rotate'];

export const MESSAGES: Readonly<Record<number, string>> = {
  0: 'success',
  [-1]: 'authentication error',
  [-2]: 'ip not allowed',
  [-16]: 'timestamp expired',
  [-18]: 'system error',
  [-22]: 'parameter error',
};

export function envelope(style: EnvelopeStyle, code: number, message: string, data: unknown): Record<string, unknown> {
  const value = style.endsWith('-string') ? String(code) : code;
  return style.startsWith('code') ? { code: value, msg: message, data } : { status: value, reason: message, data };
}

/** The same envelope as JSON text around an already serialized `data` (the fast path). */
export function envelopeJson(style: EnvelopeStyle, code: number, message: string, dataJson: string): string {
  const value = style.endsWith('-string') ? `"${code}"` : String(code);
  const [codeKey, msgKey] = style.startsWith('code') ? ['code', 'msg'] : ['status', 'reason'];
  return `{"${codeKey}":${value},"${msgKey}":${JSON.stringify(message)},"data":${dataJson}}`;
}

/** Hands out the style for each response: fixed, or cycling through all four. */
export function envelopePicker(mode: EnvelopeMode): () => EnvelopeStyle {
  if (mode !== 'rotate') return () => mode;
  let n = 0;
  return () => ENVELOPE_STYLES[n++ % ENVELOPE_STYLES.length]!;
}
