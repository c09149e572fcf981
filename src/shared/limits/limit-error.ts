// One JSON error body the limit plugins send from any server: OAuth 2.0's {error, error_description}
// (what Hydra's ports and the /auth routes speak) and GraphQL's {errors: [...]} (what API clients read).
import type { FastifyReply } from 'fastify';

export function sendLimitError(reply: FastifyReply, status: number, error: string, description: string, code: string): FastifyReply {
  return reply
    .code(status)
    .header('content-type', 'application/json; charset=utf-8')
    .header('cache-control', 'no-store')
    .send({ error, error_description: description, status_code: status, errors: [{ message: description, extensions: { code } }] });
}
