// Hydra OAuth2Client documents in JSON or YAML: one client object, an array of them, or (YAML)
// several `---` documents. YAML 1.2 is a superset of JSON, so one parser reads both and gives
// line numbers for errors.
import { isMap, isSeq, LineCounter, parseAllDocuments, type Node } from 'yaml';
import {
  BOOL_FIELDS,
  BUDGET_FIELDS,
  type ClientFields,
  type DesiredClient,
  LIST_FIELDS,
  READ_ONLY_FIELDS,
  readBudget,
  RESOURCE_KEY,
  STRING_FIELDS,
} from './client-fields.ts';
import { SourceError } from './source-error.ts';
import { RESOURCE_TYPE } from './terraform.ts';

const STRINGS = new Set<string>([...STRING_FIELDS, 'scope']);
const LISTS = new Set<string>(LIST_FIELDS);
const BOOLS = new Set<string>(BOOL_FIELDS);
const IGNORED = new Set<string>(READ_ONLY_FIELDS);
const BUDGETS = new Set<string>(BUDGET_FIELDS);

/** Reads the desired clients of one JSON/YAML file. Throws SourceError (caught by ./load.ts). */
export function readDocuments(file: string, src: string): DesiredClient[] {
  const lc = new LineCounter();
  const docs = parseAllDocuments(src, { lineCounter: lc, prettyErrors: false });
  const lineOf = (node: Node | null | undefined, fallback = 1): number =>
    node?.range ? lc.linePos(node.range[0]).line : fallback;
  const fail = (line: number, msg: string): never => {
    throw new SourceError(file, line, msg);
  };
  if (!Array.isArray(docs)) fail(1, 'not a JSON or YAML document');

  const out: DesiredClient[] = [];
  const keys = new Set<string>();
  for (const doc of docs) {
    const bad = doc.errors[0];
    if (bad) fail(lc.linePos(bad.pos[0]).line, `invalid JSON/YAML: ${bad.message.split('\n')[0]}`);
    const root = doc.contents;
    if (root === null) continue;
    const items: Node[] = isSeq(root) ? (root.items as Node[]) : [root];
    for (const item of items) {
      const line = lineOf(item, lineOf(root));
      if (!isMap(item)) fail(line, 'each client must be an object with Hydra OAuth2Client fields');
      const raw = (item as Node).toJSON() as Record<string, unknown>;
      const fields = readClient(raw, (field, msg) => {
        const pair = isMap(item) ? item.items.find((p) => (p.key as { value?: unknown } | null)?.value === field) : undefined;
        return fail(pair ? lineOf(pair.key as Node, line) : line, msg);
      });
      const key = documentKey(fields, (msg) => fail(line, msg));
      if (keys.has(key)) fail(line, `client ${key} appears twice`);
      keys.add(key);
      out.push({ key, origin: `${file}:${line}`, fields });
    }
  }
  return out;
}

function readClient(raw: Record<string, unknown>, fail: (field: string, msg: string) => never): ClientFields {
  const fields: ClientFields = {};
  for (const [k, v] of Object.entries(raw)) {
    if (IGNORED.has(k) || v === null || v === undefined) continue;
    if (STRINGS.has(k)) {
      if (typeof v !== 'string') fail(k, `${k} must be a string`);
      fields[k] = v;
    } else if (LISTS.has(k)) {
      if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) fail(k, `${k} must be a list of strings`);
      fields[k] = v;
    } else if (BOOLS.has(k)) {
      if (typeof v !== 'boolean') fail(k, `${k} must be true or false`);
      fields[k] = v;
    } else if (BUDGETS.has(k)) {
      const budget = readBudget(k, v);
      if (!budget.ok) fail(k, budget.error);
      else fields[k] = budget.value;
    } else if (k === 'metadata') {
      if (typeof v !== 'object' || Array.isArray(v)) fail(k, 'metadata must be an object');
      fields.metadata = v as Record<string, unknown>;
    } else {
      fail(k, `unsupported field "${k}"`);
    }
  }
  if (typeof fields.scope === 'string') fields.scope = fields.scope.split(/\s+/).filter(Boolean).join(' ');
  return fields;
}

// A document has no resource name: its identity is metadata.lightgate_resource if given, else the
// explicit client_id, else its client_name.
function documentKey(fields: ClientFields, fail: (msg: string) => never): string {
  const fromMeta = fields.metadata?.[RESOURCE_KEY];
  if (typeof fromMeta === 'string' && fromMeta !== '') return fromMeta;
  if (fields.client_id) return `${RESOURCE_TYPE}.${fields.client_id}`;
  if (fields.client_name) return `${RESOURCE_TYPE}.${fields.client_name}`;
  return fail(`a client needs a client_id, a client_name or metadata.${RESOURCE_KEY} to be identified across applies`);
}
