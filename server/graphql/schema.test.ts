import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { printedSchema, schemaFile } from './print-schema.ts';

it('schema.graphql is the schema Pothos prints (run `npm run schema:print` after a change)', () => {
  expect(readFileSync(schemaFile, 'utf8')).toBe(printedSchema());
});
