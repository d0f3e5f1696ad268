import type { ContentCommand } from '../messaging/protocol';

/** The manifest command of the keyboard shortcut, and the context-menu item's id. */
export const COPY_COMMAND = 'copy-citation';
export const CONTEXT_MENU_ID = 'reflens-copy-citation';

/** The parts of the extension API used here (a subset of chrome.* / browser.*), so they can be faked in tests. */
export interface CommandApis {
  commands?: { onCommand: { addListener(cb: (command: string, tab?: { id?: number }) => void): void } };
  contextMenus?: {
    create(props: { id: string; title: string; contexts: string[]; documentUrlPatterns?: string[] }): unknown;
    removeAll(): Promise<void> | void;
    onClicked: { addListener(cb: (info: { menuItemId: string | number; frameId?: number }, tab?: { id?: number }) => void): void };
  };
  runtime: { onInstalled: { addListener(cb: () => void): void } };
  tabs: {
    query(q: { active: boolean; currentWindow: boolean }): Promise<Array<{ id?: number }>>;
    sendMessage(tabId: number, msg: ContentCommand, options?: { frameId?: number }): Promise<unknown>;
  };
}

/**
 * Keyboard shortcut and context-menu item "Copy citation": both ask the tab's content script to copy a reference
 * (it knows which one has focus or was right-clicked; the background formats it as for the Cite button).
 * The menu appears only on pages where a RefLens content script runs (the manifest's match patterns).
 */
export function registerCopyCommands(api: CommandApis, documentUrlPatterns: string[]): void {
  const tell = (tabId: number | undefined, via: ContentCommand['via'], frameId?: number) => {
    if (tabId === undefined) return;
    const msg: ContentCommand = { reflensCommand: 'copy-citation', via };
    // A page without RefLens has no listener: nothing to copy there.
    api.tabs.sendMessage(tabId, msg, frameId === undefined ? undefined : { frameId }).catch(() => undefined);
  };

  api.commands?.onCommand.addListener((command, tab) => {
    if (command !== COPY_COMMAND) return;
    if (tab?.id !== undefined) return tell(tab.id, 'keyboard');
    void api.tabs.query({ active: true, currentWindow: true }).then(([active]) => tell(active?.id, 'keyboard'));
  });

  const menus = api.contextMenus;
  if (!menus) return;
  api.runtime.onInstalled.addListener(() => {
    void Promise.resolve(menus.removeAll()).then(() =>
      menus.create({
        id: CONTEXT_MENU_ID,
        title: 'Copy citation',
        contexts: ['page', 'link', 'selection'],
        ...(documentUrlPatterns.length ? { documentUrlPatterns } : {}),
      }),
    );
  });
  menus.onClicked.addListener((info, tab) => {
    if (info.menuItemId === CONTEXT_MENU_ID) tell(tab?.id, 'context-menu', info.frameId);
  });
}
