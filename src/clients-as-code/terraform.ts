// Terraform files: `resource "hydra_oauth2_client" "<name>" { ... }` blocks with the attributes of
// the ory/hydra Terraform provider, plus `variable` and `locals` blocks. `terraform`, `provider`
// and `output` blocks are accepted and ignored; anything else is an error with its line.
import { BOOL_FIELDS, BUDGET_FIELDS, readBudget, type ClientFields, type DesiredClient, LIST_FIELDS, STRING_FIELDS } from './client-fields.ts';
import { SourceError } from './source-error.ts';
import { CLIENT_LIFESPAN_FIELDS } from '../hydra-port/types.ts';
import { Evaluator } from './hcl/evaluate.ts';
import { typeName, type Value } from './hcl/values.ts';
import type { Attribute, Block, Expr } from './hcl/ast.ts';
import { parseExpression, parseHcl } from './hcl/parser.ts';

export const RESOURCE_TYPE = 'hydra_oauth2_client';

const IGNORED_BLOCKS = new Set(['terraform', 'provider', 'output']);
const META_ARGUMENTS = new Set(['count', 'for_each', 'depends_on', 'provider', 'lifecycle', 'provisioner', 'connection']);
// The ory/hydra provider's per-grant lifespans (it has none for the device grant) and jwk: fixed in Lightgate.
const UNSUPPORTED_PROVIDER_ATTRIBUTES = new Set<string>(['jwk', ...CLIENT_LIFESPAN_FIELDS.filter((f) => !f.startsWith('device_'))]);

const STRINGS = new Set<string>(STRING_FIELDS);
const LISTS = new Set<string>(LIST_FIELDS);
const BOOLS = new Set<string>(BOOL_FIELDS);
const BUDGETS = new Set<string>(BUDGET_FIELDS);

/**
 * Reads the desired clients of one Terraform file. `vars` are the `--var name=value` strings;
 * a variable declared with a non-string `type` gets its value parsed as an HCL expression.
 * Throws SourceError (caught by ./load.ts).
 */
export function readTerraform(file: string, src: string, vars: Readonly<Record<string, string>>): DesiredClient[] {
  const body = parseHcl(file, src);
  const fail = (line: number, msg: string): never => {
    throw new SourceError(file, line, msg);
  };
  if (body.attributes[0]) fail(body.attributes[0].line, `unexpected top-level attribute "${body.attributes[0].name}"`);

  const varValues = new Map<string, Value>();
  const locals = new Map<string, Attribute>();
  const resources: Block[] = [];
  const constants = new Evaluator(file, { vars: new Map(), locals: new Map() });

  for (const block of body.blocks) {
    if (IGNORED_BLOCKS.has(block.type)) continue;
    switch (block.type) {
      case 'variable': {
        const name = block.labels[0];
        if (block.labels.length !== 1 || !name) fail(block.line, 'a variable block needs exactly one label: variable "name" { }');
        const n = name as string;
        if (varValues.has(n)) fail(block.line, `variable "${n}" is declared twice`);
        const type = block.body.attributes.find((a) => a.name === 'type');
        const def = block.body.attributes.find((a) => a.name === 'default');
        const given = vars[n];
        if (given !== undefined) varValues.set(n, isStringType(type?.expr) ? given : parseVarValue(file, block.line, n, given));
        else if (def) varValues.set(n, constants.evaluate(def.expr));
        break;
      }
      case 'locals':
        if (block.labels.length > 0) fail(block.line, 'a locals block takes no labels');
        if (block.body.blocks[0]) fail(block.body.blocks[0].line, `unexpected block "${block.body.blocks[0].type}" in locals`);
        for (const a of block.body.attributes) {
          if (locals.has(a.name)) fail(a.line, `local value "${a.name}" is defined twice`);
          locals.set(a.name, a);
        }
        break;
      case 'resource':
        if (block.labels.length !== 2) fail(block.line, 'a resource block needs two labels: resource "type" "name" { }');
        if (block.labels[0] !== RESOURCE_TYPE) {
          fail(block.line, `unsupported construct: resource type "${block.labels[0]}" (only ${RESOURCE_TYPE} is supported)`);
        }
        resources.push(block);
        break;
      case 'data':
        fail(block.line, `unsupported construct: data source${block.labels[0] ? ` "${block.labels[0]}"` : ''}`);
        break;
      case 'module':
        fail(block.line, `unsupported construct: module${block.labels[0] ? ` "${block.labels[0]}"` : ''}`);
        break;
      default:
        fail(block.line, `unsupported construct: "${block.type}" block`);
    }
  }
  // --var values for undeclared variables are taken as strings, as the file may use them directly.
  for (const [k, v] of Object.entries(vars)) if (!varValues.has(k)) varValues.set(k, v);

  const ev = new Evaluator(file, { vars: varValues, locals });
  const seen = new Set<string>();
  return resources.map((block) => {
    const key = `${RESOURCE_TYPE}.${block.labels[1]}`;
    if (seen.has(key)) fail(block.line, `resource ${key} is declared twice`);
    seen.add(key);
    return { key, origin: `${file}:${block.line}`, fields: readResource(file, block, ev) };
  });
}

function readResource(file: string, block: Block, ev: Evaluator): ClientFields {
  const fail = (line: number, msg: string): never => {
    throw new SourceError(file, line, msg);
  };
  for (const b of block.body.blocks) {
    if (b.type === 'dynamic') fail(b.line, `unsupported construct: dynamic block${b.labels[0] ? ` "${b.labels[0]}"` : ''}`);
    if (META_ARGUMENTS.has(b.type)) fail(b.line, `unsupported construct: ${b.type} block`);
    if (UNSUPPORTED_PROVIDER_ATTRIBUTES.has(b.type)) fail(b.line, `unsupported construct: ${b.type} block (not managed by Lightgate)`);
    fail(b.line, `unsupported construct: "${b.type}" block in ${RESOURCE_TYPE}`);
  }
  const fields: ClientFields = {};
  const names = new Set<string>();
  for (const a of block.body.attributes) {
    if (names.has(a.name)) fail(a.line, `attribute "${a.name}" is set twice`);
    names.add(a.name);
    if (META_ARGUMENTS.has(a.name)) fail(a.line, `unsupported construct: meta-argument ${a.name}`);
    if (UNSUPPORTED_PROVIDER_ATTRIBUTES.has(a.name)) fail(a.line, `unsupported construct: attribute ${a.name} (not managed by Lightgate)`);
    const v = ev.evaluate(a.expr);
    if (v === null) continue; // null means "not set" in Terraform
    if (STRINGS.has(a.name)) fields[a.name] = ev.string(v, a.line, a.name);
    else if (LISTS.has(a.name)) fields[a.name] = stringList(file, ev, v, a);
    else if (BOOLS.has(a.name)) fields[a.name] = ev.bool(v, a.line, a.name);
    else if (a.name === 'scopes') fields.scope = stringList(file, ev, v, a).join(' ');
    else if (BUDGETS.has(a.name)) {
      // Issue 15, a Lightgate extension (the hydra provider has no such attribute): an HCL object, e.g.
      // spend_budget_max = { type = "wallet_spend", limit = { amount = 5000, currency = "BTC" }, period = "P1D" }.
      const budget = readBudget(a.name, v);
      if (!budget.ok) fail(a.line, budget.error);
      else fields[a.name] = budget.value;
    }
    else if (a.name === 'metadata') {
      if (typeof v !== 'object' || Array.isArray(v)) fail(a.line, `metadata must be a map, not ${typeName(v)}`);
      fields.metadata = { ...(fields.metadata ?? {}), ...(v as Record<string, Value>) };
    } else if (a.name === 'metadata_json') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(ev.string(v, a.line, a.name));
      } catch (e) {
        if (e instanceof SourceError) throw e;
        fail(a.line, `metadata_json is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) fail(a.line, 'metadata_json must encode a JSON object');
      fields.metadata = { ...(parsed as Record<string, unknown>), ...(fields.metadata ?? {}) };
    } else {
      fail(a.line, `unknown attribute "${a.name}" for ${RESOURCE_TYPE}`);
    }
  }
  return fields;
}

function stringList(file: string, ev: Evaluator, v: Value, a: Attribute): string[] {
  if (!Array.isArray(v)) throw new SourceError(file, a.line, `${a.name} must be a list, not ${typeName(v)}`);
  return v.map((x) => ev.string(x, a.line, `element of ${a.name}`));
}

// `type = string` (or no type) keeps a --var value as a string; any other type parses it as HCL.
function isStringType(expr: Expr | undefined): boolean {
  return expr === undefined || (expr.kind === 'variable' && (expr.name === 'string' || expr.name === 'any'));
}

function parseVarValue(file: string, line: number, name: string, raw: string): Value {
  try {
    const where = `--var ${name}`;
    return new Evaluator(where, { vars: new Map(), locals: new Map() }).evaluate(parseExpression(where, raw));
  } catch (e) {
    if (!(e instanceof SourceError)) throw e;
    // Reported at the variable's declaration: the value comes from the command line.
    throw new SourceError(file, line, `--var ${name}: the value is not an HCL value of the variable's type (${e.detail})`);
  }
}
