/**
 * Typed operations from `schema.graphql` (`npm run codegen`; `npm run check` fails when the
 * output is stale or a document does not match the schema). The widget's documents are plain
 * strings marked with a GraphQL comment, so it gets types only; the inbox's are `graphql()`
 * calls that return typed document nodes for urql.
 */
import type { CodegenConfig } from '@graphql-codegen/cli';

/** Both clients: readonly results, the schema's scalars as the wire carries them. */
const shared = {
  immutableTypes: true,
  useTypeImports: true,
  enumType: 'string-literal',
  scalars: { DateTime: 'string', ID: 'string' },
} as const;

const config: CodegenConfig = {
  schema: 'schema.graphql',
  importExtension: '.ts',
  generates: {
    'widget/generated/graphql.ts': {
      documents: [
        'widget/**/*.ts',
        '!widget/generated/**',
        '!widget/**/*.test.ts',
        '!widget/test/**',
      ],
      plugins: ['typescript-operations'],
      config: shared,
    },
    'inbox/src/gql/': {
      documents: ['inbox/src/**/*.{ts,tsx}', '!inbox/src/gql/**', '!inbox/src/**/*.test.ts'],
      preset: 'client',
      // Components take the fragments' plain types: masking would have each one unmask them.
      presetConfig: { fragmentMasking: false },
      config: shared,
    },
  },
};

export default config;
