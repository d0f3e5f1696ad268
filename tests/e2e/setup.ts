/**
 * The common e2e set-up: the fixture server with the fake scholarly services mounted and one Chromium with the
 * built extension, started before a test file and closed after it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import {
  EXTENSION_DIR,
  SEED_RECORDS,
  launchBrowser,
  mountFakeServices,
  startServer,
  type LaunchedBrowser,
  type MountedFakeServices,
  type TestServer,
} from './harness';

export interface ExtensionEnv {
  server: TestServer;
  browser: LaunchedBrowser;
}

/** Registers beforeAll/afterAll; the returned object is filled in by beforeAll. */
export function useExtensionBrowser(records = SEED_RECORDS): ExtensionEnv {
  const env = {} as ExtensionEnv;
  let fake: MountedFakeServices | undefined;
  beforeAll(async () => {
    if (!existsSync(join(EXTENSION_DIR, 'manifest.json'))) {
      throw new Error(`no built extension at ${EXTENSION_DIR}: run \`npm run test:e2e\`, which builds first`);
    }
    env.server = await startServer();
    fake = await mountFakeServices(env.server, records);
    if (!fake.mounted) throw new Error(fake.note);
    env.browser = await launchBrowser({ extensionPath: EXTENSION_DIR, port: env.server.port });
  });
  afterAll(async () => {
    await env.browser?.close();
    await fake?.close();
    await env.server?.close();
  });
  return env;
}
