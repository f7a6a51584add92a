/** The parts of an OpenAPI 3.0 document this module reads and writes. */
interface Operation {
  requestBody?: unknown;
  responses: Record<string, unknown>;
}
interface Document {
  paths?: object;
}

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);
/** Methods whose bodies the edge checks (size, media type) whether or not the operation documents one. */
const BODY_METHODS = new Set(['put', 'post', 'patch', 'delete']);

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

/**
 * Answers any operation may give whatever its route says, because the edge gives them before a route runs: an
 * invalid or malformed request (400), a body too large or not JSON (413, 415), headers too large (431, from Node's
 * HTTP parser, without a body). Added to every operation so that the document lists every status the server sends.
 */
const COMMON = {
  400: problem('Invalid or malformed request: a parameter, header or body failed validation (`VALIDATION`, `MALFORMED_JSON`).'),
  431: { description: 'Request header fields too large (answered by the HTTP server itself, without a body).' },
};
const WITH_BODY = {
  413: problem('The request body is larger than BODY_LIMIT_BYTES (`PAYLOAD_TOO_LARGE`).'),
  415: problem('The request body is not `application/json` (`UNSUPPORTED_MEDIA_TYPE`).'),
};

/** The server's time, on every response the server itself writes (see `serverTimeHeader`). */
const SERVER_TIME = {
  'X-Server-Time': {
    description: "The server's time when the response was written, in milliseconds since the Unix epoch.",
    schema: { type: 'string', pattern: '^[0-9]+$' },
  },
};

/**
 * `document` with the edge's answers added to every operation (what a route documents itself is kept), and the
 * `X-Server-Time` header on every response but 431 (written by Node's HTTP parser, before the app runs).
 */
export function withEdgeResponses<T extends Document>(document: T): T {
  for (const operations of Object.values(document.paths ?? {}) as Record<string, unknown>[]) {
    for (const [method, value] of Object.entries(operations)) {
      if (!METHODS.has(method)) continue;
      const operation = value as Operation;
      const additions = BODY_METHODS.has(method) ? { ...COMMON, ...WITH_BODY } : COMMON;
      operation.responses = { ...additions, ...operation.responses };
      for (const [status, response] of Object.entries(operation.responses)) {
        if (status === '431') continue;
        const described = response as { headers?: Record<string, unknown> };
        operation.responses[status] = { ...described, headers: { ...described.headers, ...SERVER_TIME } };
      }
    }
  }
  return document;
}
