// The wallet API's SDL is built with assumeValidSDL at start (issue 18): this is where it is validated.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildSchema, parse, validateSchema } from 'graphql';
import { validateSDL } from 'graphql/validation/validate.js';
import { buildWalletSchema } from '../../src/api/graphql/executor.ts';
import { typeDefs } from '../../src/api/graphql/schema.ts';

test('the wallet SDL is valid, and the schema built from it without that check is a valid schema', () => {
  assert.deepEqual(validateSDL(parse(typeDefs)).map((e) => e.message), []);
  assert.doesNotThrow(() => buildSchema(typeDefs));
  assert.deepEqual(validateSchema(buildWalletSchema()).map((e) => e.message), []);
});

test('the SDL check catches what assumeValidSDL would let through', () => {
  assert.notDeepEqual(validateSDL(parse(`${typeDefs}\ntype Query { again: Int }`)), []);
});
