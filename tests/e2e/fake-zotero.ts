/**
 * A small fake of the Zotero desktop app's connector server (http://127.0.0.1:23119), mounted on the e2e server
 * for host 127.0.0.1 (Chromium's host-resolver rules send every host there): POST /connector/ping and
 * POST /connector/saveItems, refusing browser requests without the connector API header as Zotero does
 * (zotero/zotero server.js: "Preventing request from browser"). Records what it was sent.
 */
import type http from 'node:http';
import type { RequestHandler } from './harness';

export interface ZoteroRequest {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

export interface FakeZotero {
  handler: RequestHandler;
  requests: ZoteroRequest[];
  /** Items received by saveItems, in order. */
  saved(): Array<Record<string, unknown>>;
}

export function createFakeZotero(): FakeZotero {
  const requests: ZoteroRequest[] = [];
  const handler: RequestHandler = (req, res) =>
    new Promise<void>((done) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          // kept as text
        }
        const path = req.url ?? '/';
        requests.push({ path, headers: req.headers, body });
        const fromBrowser = /^Mozilla\//.test(req.headers['user-agent'] ?? '') || 'origin' in req.headers;
        if (fromBrowser && !req.headers['x-zotero-connector-api-version']) {
          req.socket.destroy(); // Zotero cancels such requests without an answer
        } else if (req.method !== 'POST') {
          res.writeHead(400, { 'content-type': 'text/plain' }).end('Endpoint does not support method\n');
        } else if (path === '/connector/ping') {
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ prefs: { automaticSnapshots: true } }));
        } else if (path === '/connector/saveItems') {
          const items = (body as { items?: unknown } | undefined)?.items;
          if (Array.isArray(items)) res.writeHead(201, { 'content-type': 'application/json' }).end();
          else res.writeHead(400).end();
        } else {
          res.writeHead(404, { 'content-type': 'text/plain' }).end('No endpoint found\n');
        }
        done();
      });
    });
  return {
    handler,
    requests,
    saved: () =>
      requests
        .filter((r) => r.path === '/connector/saveItems')
        .flatMap((r) => (r.body as { items?: Array<Record<string, unknown>> } | undefined)?.items ?? []),
  };
}
