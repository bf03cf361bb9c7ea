/**
 * GraphQL Code Generator: prints the schema built in src/graphql/schema.ts to
 * schema/schema.graphql (committed; CI fails when it is stale) and generates typed documents
 * for the operations in schema/operations/ (used by the tests and the typed-client example).
 * Run with `npm run codegen` (it loads the TypeScript schema module through tsx).
 */
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: './src/graphql/schema.ts',
  documents: ['schema/operations/*.graphql'],
  ignoreNoDocuments: true,
  generates: {
    'schema/schema.graphql': {
      plugins: ['schema-ast'],
      config: { includeDirectives: false, commentDescriptions: false, sort: false },
    },
    'test/generated/': {
      preset: 'client',
      config: { scalars: { DateTime: 'string' }, enumsAsTypes: true, useTypeImports: true },
      presetConfig: { fragmentMasking: false },
    },
  },
};

export default config;
