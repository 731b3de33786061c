import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { printSchema } from 'graphql';
import { isMainModule } from '../main-module.ts';
import { print } from '../print.ts';
import { schema } from './schema/index.ts';

/** Where the printed schema is committed, so reviewers and clients see every change to it. */
export const schemaFile = fileURLToPath(new URL('../../schema.graphql', import.meta.url));

export function printedSchema(): string {
  return `${printSchema(schema)}\n`;
}

if (isMainModule(import.meta.url)) {
  writeFileSync(schemaFile, printedSchema());
  print(`Wrote ${schemaFile}`);
}
