/** The Node options the gateway is benchmarked with; the same as `npm start` passes (package.json). */
export const PRODUCTION_NODE_OPTIONS = '--enable-source-maps';
