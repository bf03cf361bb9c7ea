/**
 * The Node options the gateway is benchmarked with: the same ones `npm start` passes, read from
 * package.json's `config.nodeOptions` (one place for both).
 */
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { config?: { nodeOptions?: string } };

export const PRODUCTION_NODE_OPTIONS = pkg.config?.nodeOptions ?? '';
