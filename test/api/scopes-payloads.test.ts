// Issue 11 #3: `read` guards the data, not the entry. Generated from the served schema (introspection):
// every mutation's payload is walked to each field that reaches a User, Account, Wallet, Transaction or
// ApiKey, and that field is selected as deeply as the schema allows. With {write} or {receive} (an
// Oauth2-Token and an X-API-KEY) the mutation still runs, but each such field is null with the entry
// check's code; a first-party session (every scope) gets the data, so the probes are not vacuous.
// A mutation added to the schema without a builder in scope-operations.ts fails this test.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  buildClientSchema,
  getIntrospectionQuery,
  getNamedType,
  isLeafType,
  isNonNullType,
  isObjectType,
  isUnionType,
  Kind,
  parse,
  print,
  type FieldNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type IntrospectionQuery,
  type OperationDefinitionNode,
} from 'graphql';
import type { Scope } from '../../src/api/scopes.ts';
import { bearer, oauth, startHarness, type Harness, type TestUser } from './harness.ts';
import { allowed, OPERATIONS, storedApiKey } from './scope-operations.ts';

/** Objects that carry the account holder's data: reading any of them needs `read`. */
const READ_DATA = new Set(['User', 'Account', 'ConsumerAccount', 'Wallet', 'BTCWallet', 'UsdWallet', 'Transaction', 'TransactionConnection', 'ApiKey']);

type AnyField = GraphQLField<unknown, unknown>;
const fieldsOf = (t: GraphQLNamedType): Record<string, AnyField> => ('getFields' in t && !isLeafType(t) && !isUnionType(t) ? (t.getFields() as Record<string, AnyField>) : {});

/** The deepest selection of a type the schema allows: every leaf, every object field without required arguments, `first: 2` on connections. */
function deepSelection(schema: GraphQLSchema, type: GraphQLNamedType, path: readonly string[]): string {
  if (isLeafType(type)) return '';
  if (isUnionType(type)) {
    const members = type.getTypes().map((m) => `... on ${m.name} ${deepSelection(schema, m, [...path, m.name]) || '{ __typename }'}`);
    return `{ __typename ${members.join(' ')} }`;
  }
  const parts: string[] = [];
  for (const f of Object.values(fieldsOf(type))) {
    const named = getNamedType(f.type);
    if (path.includes(named.name)) continue; // no cycles
    if (f.args.some((a) => isNonNullType(a.type) && a.defaultValue === undefined)) continue;
    const args = f.args.some((a) => a.name === 'first') ? '(first: 2)' : '';
    if (isLeafType(named)) parts.push(f.name + args);
    else {
      const sub = deepSelection(schema, named, [...path, named.name]);
      if (sub) parts.push(`${f.name}${args} ${sub}`);
    }
  }
  return parts.length ? `{ ${parts.join(' ')} }` : '';
}

/** Paths inside a payload type to the first field whose type carries read data. */
function readProbes(type: GraphQLNamedType, prefix: readonly string[] = [], seen: readonly string[] = []): string[][] {
  const out: string[][] = [];
  for (const f of Object.values(fieldsOf(type))) {
    const named = getNamedType(f.type);
    if (READ_DATA.has(named.name)) out.push([...prefix, f.name]);
    else if (isObjectType(named) && !seen.includes(named.name)) out.push(...readProbes(named, [...prefix, f.name], [...seen, named.name]));
  }
  return out;
}

/** The builder's mutation with its payload selection replaced by `errors { code }` and the probe, selected deeply. */
function probeQuery(schema: GraphQLSchema, query: string, mutation: GraphQLField<unknown, unknown>, probe: string[]): string {
  let type: GraphQLNamedType = getNamedType(mutation.type);
  const payloadHasErrors = 'errors' in fieldsOf(type);
  for (const name of probe) type = getNamedType(fieldsOf(type)[name]!.type);
  let selection = deepSelection(schema, type, [type.name]);
  for (const name of [...probe].reverse()) selection = `{ ${name} ${selection} }`;
  if (payloadHasErrors) selection = selection.replace(/^\{ /, '{ errors { code } ');
  const doc = parse(query);
  const op = doc.definitions[0] as OperationDefinitionNode;
  const root = op.selectionSet.selections[0]!;
  assert.equal(root.kind, Kind.FIELD);
  const probeField = (parse(`{ x ${selection} }`).definitions[0] as OperationDefinitionNode).selectionSet.selections[0] as FieldNode;
  const replaced: FieldNode = { ...root, selectionSet: probeField.selectionSet };
  return print({ ...doc, definitions: [{ ...op, selectionSet: { ...op.selectionSet, selections: [replaced] } }] });
}

const at = (data: unknown, path: readonly (string | number)[]): unknown => path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : v), data);

describe('issue 11 #3: a write-only or receive-only credential reads nothing through mutation payloads', () => {
  let h: Harness;
  let merchant: TestUser;
  let schema: GraphQLSchema;
  let mutationType: GraphQLObjectType;
  before(async () => {
    h = await startHarness();
    merchant = await h.signUp();
    await h.stack.database.db.query("UPDATE wallet_accounts SET username = 'merchant_1' WHERE user_id = $1", [merchant.userId]);
    const introspected = await h.gql(getIntrospectionQuery());
    assert.equal(introspected.status, 200, JSON.stringify(introspected.body).slice(0, 300));
    schema = buildClientSchema(introspected.body.data as unknown as IntrospectionQuery);
    mutationType = schema.getMutationType()!;
  });
  after(async () => h.close());

  test('every mutation of the schema has a builder in the operation table', () => {
    const built = new Set(OPERATIONS.filter((o) => o.mutation).map((o) => o.name));
    const missing = Object.keys(mutationType.getFields()).filter((m) => !built.has(m));
    assert.deepEqual(missing, [], 'add these mutations to test/api/scope-operations.ts');
  });

  const credentials: { label: string; scopes: Scope[] | 'session'; headers: (h: Harness, u: TestUser) => Promise<Record<string, string>> }[] = [
    { label: 'Oauth2-Token {write}', scopes: ['write'], headers: async (hh, u) => oauth(await hh.oauthToken(u, ['write'])) },
    { label: 'Oauth2-Token {receive}', scopes: ['receive'], headers: async (hh, u) => oauth(await hh.oauthToken(u, ['receive'])) },
    { label: 'X-API-KEY {write}', scopes: ['write'], headers: (hh, u) => storedApiKey(hh, u, ['write']) },
    { label: 'X-API-KEY {receive}', scopes: ['receive'], headers: (hh, u) => storedApiKey(hh, u, ['receive']) },
    { label: 'session (every scope, the control)', scopes: 'session', headers: async (_hh, u) => bearer(u.session) },
  ];

  for (const credential of credentials) {
    test(`mutation payloads × nested read data × ${credential.label}`, async () => {
      const user = await h.signUp();
      await h.fund(user.btcWalletId, 100_000);
      await h.fund(user.usdWalletId, 10_000);
      const headers = await credential.headers(h, user);
      let probed = 0;
      for (const op of OPERATIONS.filter((o) => o.mutation)) {
        const mutation = mutationType.getFields()[op.name];
        assert.ok(mutation, `${op.name} is in the schema`);
        for (const probe of readProbes(getNamedType(mutation.type))) {
          const built = await op.build(h, { user, merchant });
          const query = probeQuery(schema, built.query, mutation as AnyField, probe);
          const res = await h.gql(query, built.variables, headers);
          const where = `${credential.label} / ${op.name}.${probe.join('.')}: ${JSON.stringify(res.body).slice(0, 500)}`;
          assert.equal(res.status, 200, where);
          const codes = (res.body.errors ?? []).map((e) => e.extensions?.code);
          if (credential.scopes === 'session') {
            assert.deepEqual(res.body.errors, undefined, where);
            assert.notEqual(at(res.body.data, [op.name, ...probe]), null, `the control reads the data: ${where}`);
            probed++;
            continue;
          }
          const scopes = new Set(credential.scopes);
          if (op.firstPartyOnly || !allowed(op.need, scopes)) {
            // Refused at the entry: no payload at all.
            assert.deepEqual(codes, [op.firstPartyOnly && allowed(op.need, scopes) ? 'FIRST_PARTY_ONLY' : 'INSUFFICIENT_SCOPE'], where);
            assert.equal(res.body.data ?? null, null, where);
            continue;
          }
          // The mutation ran (its payload errors are empty), the read data is null with the entry check's code.
          const payload = at(res.body.data, [op.name]) as { errors?: unknown[] } | null;
          assert.ok(payload, where);
          if ('errors' in payload) assert.deepEqual(payload.errors, [], where);
          assert.equal(at(res.body.data, [op.name, ...probe]), null, where);
          assert.deepEqual(codes, ['INSUFFICIENT_SCOPE'], where);
          assert.deepEqual((res.body.errors![0] as { path?: unknown }).path, [op.name, ...probe], where);
          probed++;
        }
      }
      if (credential.scopes === 'session' || credential.scopes.includes('write')) assert.ok(probed > 0, 'some payload reached read data');
    });
  }
});
