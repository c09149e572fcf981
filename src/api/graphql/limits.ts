// Query depth and cost limits, checked after validation and before execution. Cost: every field
// counts 1, and a field's selections count once per item it may return (the `first` argument of a
// connection, 20 by default). Fragments are expanded where they are spread. A mutation runs at most
// one top-level field (issue 19 #1): aliases must not multiply side effects.
import { GraphQLError, Kind, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';

export const LIMITS = { maxDepth: 15, maxCost: 2000, maxTokens: 5000, defaultPage: 20 } as const;

export function checkLimits(document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown>): GraphQLError | undefined {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  let maxDepth = 0;
  let exceeded = false;

  const walk = (set: SelectionSetNode, depth: number, stack: readonly string[]): number => {
    if (exceeded) return 0;
    let cost = 0;
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) {
        if (s.name.value === '__typename') continue;
        maxDepth = Math.max(maxDepth, depth);
        if (maxDepth > LIMITS.maxDepth) {
          exceeded = true;
          return 0;
        }
        let multiplier = 1;
        const first = s.arguments?.find((a) => a.name.value === 'first' || a.name.value === 'last');
        if (first) {
          const v = first.value.kind === Kind.INT ? Number(first.value.value) : first.value.kind === Kind.VARIABLE ? variables[first.value.name.value] : undefined;
          multiplier = typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.min(v, 1000) : LIMITS.defaultPage;
        } else if (s.name.value === 'transactions') {
          multiplier = LIMITS.defaultPage;
        }
        cost += 1 + (s.selectionSet ? multiplier * walk(s.selectionSet, depth + 1, stack) : 0);
      } else if (s.kind === Kind.INLINE_FRAGMENT) {
        cost += walk(s.selectionSet, depth, stack);
      } else {
        const name = s.name.value;
        const fragment = fragments.get(name);
        if (!fragment || stack.includes(name)) continue;
        cost += walk(fragment.selectionSet, depth, [...stack, name]);
      }
      if (cost > LIMITS.maxCost) {
        exceeded = true;
        return cost;
      }
    }
    return cost;
  };

  const cost = walk(operation.selectionSet, 1, []);
  if (maxDepth > LIMITS.maxDepth) return new GraphQLError(`Query is too deep (limit ${LIMITS.maxDepth})`, { extensions: { code: 'QUERY_TOO_DEEP' } });
  if (cost > LIMITS.maxCost) return new GraphQLError(`Query is too expensive (limit ${LIMITS.maxCost})`, { extensions: { code: 'QUERY_TOO_COSTLY' } });
  return undefined;
}

/**
 * At most one top-level mutation field per request, counted by response key after expanding fragments
 * at the root; @skip/@include are not evaluated (a second field counts even if skipped). Blink's clients
 * send one mutation per request; a document with more would multiply side effects (220 invoices at once).
 */
export function checkSingleMutation(document: DocumentNode, operation: OperationDefinitionNode): GraphQLError | undefined {
  if (operation.operation !== 'mutation') return undefined;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const keys = new Set<string>();
  const collect = (set: SelectionSetNode, stack: readonly string[]): void => {
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) {
        if (s.name.value !== '__typename') keys.add(s.alias?.value ?? s.name.value);
      } else if (s.kind === Kind.INLINE_FRAGMENT) {
        collect(s.selectionSet, stack);
      } else {
        const fragment = fragments.get(s.name.value);
        if (fragment && !stack.includes(s.name.value)) collect(fragment.selectionSet, [...stack, s.name.value]);
      }
    }
  };
  collect(operation.selectionSet, []);
  if (keys.size <= 1) return undefined;
  return new GraphQLError(`A request may run one mutation; this one has ${keys.size}. Send them one per request.`, { extensions: { code: 'TOO_MANY_MUTATIONS' } });
}
