import { browser } from 'wxt/browser';
import type { Envelope, MessageType, Reply, Request, Response } from './protocol';

export class MessageError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'MessageError';
  }
}

/** Sends a typed request to the background and unwraps its reply. */
export async function send<K extends MessageType>(type: K, payload: Request<K>): Promise<Response<K>> {
  const envelope: Envelope<K> = { reflens: 1, type, payload };
  let reply: Reply<K> | undefined;
  try {
    reply = (await browser.runtime.sendMessage(envelope)) as Reply<K> | undefined;
  } catch (err) {
    throw new MessageError(`RefLens background unavailable: ${(err as Error).message ?? err}`, 'unavailable');
  }
  if (!reply) throw new MessageError('RefLens background gave no answer', 'unavailable');
  if (!reply.ok) throw new MessageError(reply.error, reply.code);
  return reply.value;
}
