// Our schema is a subset of Blink's: every type, field, argument and input field we declare exists in
// Blink's public schema (or its API-keys schema) with the same type. Read from ../shared/contracts.
// Lightgate's own extensions are the exception, each marked by a description starting with "Lightgate"
// and listed in EXTENSIONS, so that none slips in unnoticed.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Kind, parse, print, type DefinitionNode, type DocumentNode } from 'graphql';
import { typeDefs } from '../../src/api/graphql/schema.ts';

const contracts = new URL('../../../shared/contracts/', import.meta.url);

type Shape = Map<string, { kind: string; fields: Map<string, { type: string; args: Map<string, string> }>; values: Set<string>; members: Set<string> }>;

/** Issue 14: the signing secret of a callback endpoint, shown once, and its rotation. Issue 15: an app's grant budget, and its crossings of 80 % and 100 % as a subscription. */
const EXTENSIONS = [
  'AccountLimits.appBudget',
  'AppBudget',
  'Authorization.budget',
  'BudgetThreshold',
  'BudgetThresholdPayload',
  'CallbackEndpointAddPayload.secret',
  'CallbackEndpointSecretRotateInput',
  'CallbackEndpointSecretRotatePayload',
  'Mutation.callbackEndpointSecretRotate',
  'Subscription.budgetThresholds',
];
const marked = (node: { description?: { value: string } | undefined }) => node.description?.value.startsWith('Lightgate') ?? false;

/** The definitions and fields marked as Lightgate's extensions, removed from the document. */
function withoutExtensions(doc: DocumentNode): { doc: DocumentNode; extensions: string[] } {
  const extensions: string[] = [];
  const definitions = doc.definitions.flatMap((def) => {
    if (!('name' in def) || !def.name) return [def];
    if ('description' in def && marked(def)) {
      extensions.push(def.name.value);
      return [];
    }
    if (!('fields' in def) || !def.fields) return [def];
    const fields = (def.fields as readonly { name: { value: string }; description?: { value: string } }[]).filter((f) => {
      if (!marked(f)) return true;
      extensions.push(`${def.name!.value}.${f.name.value}`);
      return false;
    });
    return [{ ...def, fields } as unknown as DefinitionNode];
  });
  return { doc: { ...doc, definitions }, extensions: extensions.sort() };
}

function shape(...docs: DocumentNode[]): Shape {
  const out: Shape = new Map();
  for (const doc of docs) {
    for (const def of doc.definitions as DefinitionNode[]) {
      if (!('name' in def) || !def.name) continue;
      const name = def.name.value;
      const entry = out.get(name) ?? { kind: def.kind.replace('_EXTENSION', '_DEFINITION'), fields: new Map(), values: new Set<string>(), members: new Set<string>() };
      out.set(name, entry);
      if ('fields' in def && def.fields) {
        for (const f of def.fields) {
          const args = new Map<string, string>();
          if ('arguments' in f && f.arguments) for (const a of f.arguments) args.set(a.name.value, print(a.type));
          entry.fields.set(f.name.value, { type: print(f.type), args });
        }
      }
      if (def.kind === Kind.ENUM_TYPE_DEFINITION) for (const v of def.values ?? []) entry.values.add(v.name.value);
      if (def.kind === Kind.UNION_TYPE_DEFINITION) for (const m of def.types ?? []) entry.members.add(m.name.value);
    }
  }
  return out;
}

test('every type, field and argument of our schema exists in Blink with the same type', () => {
  const blink = shape(
    parse(readFileSync(new URL('blink-public-schema.graphql', contracts), 'utf8')),
    parse(readFileSync(new URL('blink-api-keys-schema.graphql', contracts), 'utf8')),
  );
  const { doc, extensions } = withoutExtensions(parse(typeDefs));
  assert.deepEqual(extensions, EXTENSIONS, 'the extensions are the listed ones');
  const ours = shape(doc);
  const problems: string[] = [];
  for (const [name, type] of ours) {
    const theirs = blink.get(name);
    if (!theirs) {
      problems.push(`type ${name} is not in Blink`);
      continue;
    }
    if (theirs.kind !== type.kind) problems.push(`${name}: ${type.kind} here, ${theirs.kind} in Blink`);
    for (const [field, f] of type.fields) {
      const t = theirs.fields.get(field);
      if (!t) problems.push(`${name}.${field} is not in Blink`);
      else {
        if (t.type !== f.type) problems.push(`${name}.${field}: ${f.type} here, ${t.type} in Blink`);
        for (const [arg, a] of f.args) if (t.args.get(arg) !== a) problems.push(`${name}.${field}(${arg}): ${a} here, ${t.args.get(arg)} in Blink`);
      }
    }
    for (const v of type.values) if (!theirs.values.has(v)) problems.push(`${name}.${v} is not in Blink`);
    for (const m of type.members) if (!theirs.members.has(m)) problems.push(`${name} | ${m} is not in Blink`);
  }
  assert.deepEqual(problems, []);
  assert.ok(ours.size > 80, `a real subset (${ours.size} types)`);
});
