import { browser } from 'wxt/browser';
import { isEnvelope, type MessageType, type Reply, type Request, type Response } from './protocol';

export type Handlers = {
  [K in MessageType]: (payload: Request<K>, sender: { tabId?: number; url?: string }) => Promise<Response<K>>;
};

export class HandledError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/** Registers the background's handlers. Errors become `{ok:false}` replies, never unhandled rejections. */
export function serve(handlers: Handlers): void {
  browser.runtime.onMessage.addListener((msg: unknown, sender) => {
    if (!isEnvelope(msg)) return undefined;
    const handler = handlers[msg.type] as ((p: unknown, s: { tabId?: number; url?: string }) => Promise<unknown>) | undefined;
    if (!handler) return Promise.resolve({ ok: false, error: `unknown message ${String(msg.type)}` });
    return handler(msg.payload, { tabId: sender.tab?.id, url: sender.url })
      .then((value): Reply<MessageType> => ({ ok: true, value: value as Response<MessageType> }))
      .catch(
        (err: unknown): Reply<MessageType> => ({
          ok: false,
          error: err instanceof Error ? err.message : String(err),
          code: err instanceof HandledError ? err.code : undefined,
        }),
      );
  });
}
