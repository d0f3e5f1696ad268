// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { CONTEXT_MENU_ID, COPY_COMMAND, registerCopyCommands, type CommandApis } from '../../src/background/commands';
import { isContentCommand, type ContentCommand } from '../../src/messaging/protocol';

function fakeApis(activeTab = 7) {
  const listeners: Record<string, (...args: never[]) => void> = {};
  const sent: Array<{ tabId: number; msg: ContentCommand; options?: { frameId?: number } }> = [];
  const created: unknown[] = [];
  const apis: CommandApis = {
    commands: { onCommand: { addListener: (cb) => (listeners.command = cb as never) } },
    contextMenus: {
      create: (props) => created.push(props),
      removeAll: () => undefined,
      onClicked: { addListener: (cb) => (listeners.menu = cb as never) },
    },
    runtime: { onInstalled: { addListener: (cb) => (listeners.installed = cb as never) } },
    tabs: {
      query: async () => [{ id: activeTab }],
      sendMessage: async (tabId, msg, options) => {
        sent.push({ tabId, msg, ...(options ? { options } : {}) });
        return undefined;
      },
    },
  };
  const fire = (name: string, ...args: unknown[]) => (listeners[name] as (...a: unknown[]) => void)(...args);
  return { apis, sent, created, fire };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('copy command and context menu', () => {
  it('creates "Copy citation" on install, only on pages with a RefLens content script', async () => {
    const f = fakeApis();
    registerCopyCommands(f.apis, ['*://www.cell.com/*']);
    f.fire('installed');
    await flush();
    expect(f.created).toEqual([{ id: CONTEXT_MENU_ID, title: 'Copy citation', contexts: ['page', 'link', 'selection'], documentUrlPatterns: ['*://www.cell.com/*'] }]);
  });

  it('asks the clicked frame of the tab to copy the right-clicked reference', async () => {
    const f = fakeApis();
    registerCopyCommands(f.apis, []);
    f.fire('menu', { menuItemId: CONTEXT_MENU_ID, frameId: 3 }, { id: 12 });
    f.fire('menu', { menuItemId: 'someone-else' }, { id: 12 });
    expect(f.sent).toEqual([{ tabId: 12, msg: { reflensCommand: 'copy-citation', via: 'context-menu' }, options: { frameId: 3 } }]);
  });

  it('sends the keyboard command to its tab, or to the active tab when none is given', async () => {
    const f = fakeApis(21);
    registerCopyCommands(f.apis, []);
    f.fire('command', COPY_COMMAND, { id: 5 });
    f.fire('command', COPY_COMMAND);
    f.fire('command', 'another-command', { id: 5 });
    await flush();
    expect(f.sent.map((s) => [s.tabId, s.msg.via])).toEqual([
      [5, 'keyboard'],
      [21, 'keyboard'],
    ]);
    expect(f.sent.every((s) => isContentCommand(s.msg))).toBe(true);
    expect(isContentCommand({ reflens: 1, type: 'format' })).toBe(false);
  });
});
