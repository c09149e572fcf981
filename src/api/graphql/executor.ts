// Builds the executable schema once and runs one GraphQL request: parse (token limit), validate,
// one mutation per request, depth/cost limits, execute. Errors that are not ours are hidden behind a generic message.
import {
  buildSchema,
  execute,
  getOperationAST,
  GraphQLError,
  isInterfaceType,
  isObjectType,
  isScalarType,
  parse,
  validate,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from 'graphql';
import { DatabaseUnavailableError } from '../../db/database.ts';
import type { ApiContext } from './context.ts';
import { checkLimits, checkSingleMutation, LIMITS } from './limits.ts';
import { guardReadData } from './read-guard.ts';
import { scalars } from './scalars.ts';
import { resolvers, subscriptions, typeDefs } from './schema.ts';
import { payload } from './subscriptions/support.ts';

export function buildWalletSchema(): GraphQLSchema {
  // The SDL is a constant that test/api/wallet-schema-sdl.test.ts validates; not again at every start (issue 18).
  const schema = buildSchema(typeDefs, { assumeValidSDL: true });
  for (const type of Object.values(schema.getTypeMap())) {
    if (isScalarType(type) && scalars[type.name]) {
      const s = scalars[type.name]!;
      Object.assign(type, { serialize: s.serialize, parseValue: s.parseValue, parseLiteral: s.parseLiteral });
    }
    if ((isObjectType(type) || isInterfaceType(type)) && resolvers[type.name]) {
      const fields = type.getFields();
      for (const [name, resolve] of Object.entries(resolvers[type.name]!)) {
        const field = fields[name];
        if (!field) throw new Error(`resolver for unknown field ${type.name}.${name}`);
        field.resolve = resolve;
      }
    }
  }
  const subscriptionFields = schema.getSubscriptionType()?.getFields() ?? {};
  for (const [name, { subscribe }] of Object.entries(subscriptions)) {
    const field = subscriptionFields[name];
    if (!field) throw new Error(`subscription for unknown field Subscription.${name}`);
    Object.assign(field, { subscribe, resolve: payload });
  }
  guardReadData(schema);
  return schema;
}

export interface GraphQLRequest {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

export interface GraphQLResponse {
  /** 200 with errors for bad GraphQL; 400 when the request itself is malformed; 503 when storage is down. */
  status: number;
  body: { data?: unknown; errors?: readonly GraphQLFormattedError[] };
}

const validDocuments = new WeakMap<GraphQLSchema, Map<string, DocumentNode>>();
const MAX_CACHED_DOCUMENTS = 500;
const MAX_CACHED_QUERY_LENGTH = 10_000;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const badRequest = (message: string): GraphQLResponse => ({ status: 400, body: { errors: [{ message, extensions: { code: 'BAD_REQUEST' } }] } });

export async function runGraphQL(schema: GraphQLSchema, request: GraphQLRequest, context: ApiContext): Promise<GraphQLResponse> {
  if (typeof request.query !== 'string' || request.query.length === 0) return badRequest('The request needs a "query" string');
  if (request.variables != null && (typeof request.variables !== 'object' || Array.isArray(request.variables))) return badRequest('"variables" must be an object');
  if (request.operationName != null && typeof request.operationName !== 'string') return badRequest('"operationName" must be a string');
  // Clients send the same few documents again and again: parse and validate each once (bounded cache).
  let valid = validDocuments.get(schema);
  if (!valid) validDocuments.set(schema, (valid = new Map()));
  let document = valid.get(request.query);
  if (!document) {
    try {
      document = parse(request.query, { maxTokens: LIMITS.maxTokens });
    } catch (error) {
      return { status: 400, body: { errors: [{ message: error instanceof Error ? error.message : 'Syntax Error', extensions: { code: 'GRAPHQL_PARSE_FAILED' } }] } };
    }
    const validationErrors = validate(schema, document, undefined, { maxErrors: 10 });
    if (validationErrors.length) return { status: 400, body: { errors: validationErrors.map((e) => ({ ...e.toJSON(), extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })) } };
    if (request.query.length <= MAX_CACHED_QUERY_LENGTH) {
      if (valid.size >= MAX_CACHED_DOCUMENTS) valid.delete(valid.keys().next().value!);
      valid.set(request.query, document);
    }
  }
  const operationName = typeof request.operationName === 'string' ? request.operationName : null;
  const operation = getOperationAST(document, operationName);
  if (!operation) return badRequest('No single operation to run: name one with operationName');
  if (operation.operation === 'subscription') return badRequest('Subscriptions are not served over POST');
  const variables = isRecord(request.variables) ? request.variables : {};
  const limit = checkSingleMutation(document, operation) ?? checkLimits(document, operation, variables);
  if (limit) return { status: 400, body: { errors: [limit.toJSON()] } };

  const result: ExecutionResult = await execute({ schema, document, contextValue: context, variableValues: variables, operationName });
  let unavailable = false;
  const errors = result.errors?.map((e) => {
    const original = e.originalError;
    if (!original || original instanceof GraphQLError) return e.toJSON();
    if (original instanceof DatabaseUnavailableError) unavailable = true;
    context.services.logger?.error({ err: original, path: e.path }, 'graphql resolver failed');
    return { message: unavailable ? 'The service is briefly unavailable' : 'Internal error', path: e.path, extensions: { code: unavailable ? 'UNAVAILABLE' : 'INTERNAL_ERROR' } };
  });
  if (unavailable) return { status: 503, body: { errors: errors! } };
  return { status: 200, body: errors ? { data: result.data, errors } : { data: result.data } };
}
