// The rows of one execution of a prepared statement on PGlite (issue 18), read straight from the engine's reply
// (BindComplete, DataRows, CommandComplete, ReadyForQuery). PGlite's execProtocol parses every reply into message
// objects, copying each field's bytes twice on the way, and pglite-statements then turned those into rows: per
// token request that was about a quarter of its statements' main-thread time. Here each field is decoded once, by
// the parser PGlite's query() would use for its type, so the rows are the same. A reply with anything else in it
// (an error, a notice, a notification) is left to readReply(), which reads it as PGlite's execProtocol does.
import { parse, protocol, type PGlite } from '@electric-sql/pglite';

type TypeParser = PGlite['parsers'][number];
type BackendMessage = Awaited<ReturnType<PGlite['execProtocol']>>['messages'][number];

/** The columns of a statement's rows, from its RowDescription: names and type ids. */
export interface RowShape {
  names: string[];
  types: number[];
}

/** The shape of a statement's rows (undefined: a column name a plain property assignment cannot set). */
export function rowShape(description: BackendMessage[]): RowShape | undefined {
  const fields = (description[0] as { fields?: { name: string; dataTypeID: number }[] } | undefined)?.fields ?? [];
  if (fields.some((f) => f.name === '__proto__')) return undefined;
  return { names: fields.map((f) => f.name), types: fields.map((f) => f.dataTypeID) };
}

// Replies read here without a message object: '2' BindComplete, 'C' CommandComplete, 'Z' ReadyForQuery, 'I' empty
// query, 's' portal suspended, 'n' no data, '1' ParseComplete, '3' CloseComplete; 'D' DataRow is read into a row.
const PLAIN = new Set([0x32, 0x43, 0x5a, 0x49, 0x73, 0x6e, 0x31, 0x33]);
const DATA_ROW = 0x44;

/**
 * The rows of a reply that holds only rows and the plain messages above, else undefined. Rows end at the first
 * CommandComplete, as PGlite's parseResults()[0] reads them.
 */
export function fastRows(reply: Uint8Array, shape: RowShape, parsers: Record<number | string, TypeParser>): Record<string, unknown>[] | undefined {
  const buf = Buffer.from(reply.buffer, reply.byteOffset, reply.byteLength);
  const { names, types } = shape;
  const rows: Record<string, unknown>[] = [];
  let done = false;
  for (let at = 0; at < buf.length; ) {
    if (at + 5 > buf.length) return undefined;
    const code = buf[at]!;
    const end = at + 1 + buf.readInt32BE(at + 1);
    if (end > buf.length) return undefined;
    if (code === DATA_ROW) {
      if (buf.readInt16BE(at + 5) !== names.length) return undefined;
      if (!done) {
        const row: Record<string, unknown> = {};
        for (let i = 0, p = at + 7; i < names.length; i++) {
          const length = buf.readInt32BE(p);
          p += 4;
          if (length < 0) {
            row[names[i]!] = null;
            continue;
          }
          const text = buf.toString('utf8', p, p + length);
          p += length;
          const parser = parsers[types[i]!];
          row[names[i]!] = parser ? parser(text, types[i]!) : text;
        }
        rows.push(row);
      }
    } else if (code === 0x43) {
      done = true;
    } else if (!PLAIN.has(code)) {
      return undefined;
    }
    at = end;
  }
  // No CommandComplete: parseResults would give no rows at all; left to readReply.
  return done ? rows : undefined;
}

/** Notification listeners by channel (PostgreSQL's name: unquoted names in lower case, as PGlite's listen()). */
export type Listeners = Map<string, Set<(payload: string) => void>>;
export const channelName = (channel: string) => (channel.startsWith('"') && channel.endsWith('"') ? channel.slice(1, -1) : channel.toLowerCase());

/**
 * A reply read as PGlite's execProtocol reads it: its first error thrown (after the whole reply, nothing after
 * it dispatched), notifications handed to `listeners` on a microtask, notices ignored (PGlite logs them in
 * debug only); the rows as parseResults gives them after the statement's RowDescription.
 */
export function readReply(reply: Uint8Array, description: BackendMessage[], parsers: Record<number | string, TypeParser>, listeners: Listeners): Record<string, unknown>[] {
  const messages: BackendMessage[] = [];
  let error: unknown;
  new protocol.Parser().parse(reply, (message) => {
    if (error) return;
    if (message instanceof protocol.messages.DatabaseError) error = message;
    else if (message instanceof protocol.messages.NotificationResponseMessage) {
      const { channel, payload } = message;
      listeners.get(channel)?.forEach((listener) => queueMicrotask(() => listener(payload)));
    }
    messages.push(message);
  });
  if (error) throw error;
  return (parse.parseResults([...description, ...messages], parsers)[0]?.rows ?? []) as Record<string, unknown>[];
}
