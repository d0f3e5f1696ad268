import { defineConfig } from 'wxt';
import { COPY_COMMAND } from './src/background/commands';
import { API_HOST_PERMISSIONS } from './src/background/services/hosts';
import { ZOTERO_ORIGIN } from './src/background/zotero/connector';

export default defineConfig({
  modules: ['@wxt-dev/webextension-polyfill'],
  manifest: ({ browser }) => ({
    name: 'RefLens',
    description: 'DOI, PubMed and open-access links, citations and private notes for every reference on article pages.',
    permissions: ['storage', 'activeTab', 'scripting', 'clipboardWrite', 'contextMenus'],
    // The Zotero desktop app's local connector: "Save to Zotero" (nothing else on this machine is contacted).
    host_permissions: [...API_HOST_PERMISSIONS, `${ZOTERO_ORIGIN}/*`],
    // The summary panel and the whole-list export controls, imported by the content script when first needed (see
    // entrypoints/summary.ts and list-export.ts).
    web_accessible_resources:
      browser === 'firefox'
        ? ['summary.js', 'list-export.js']
        : [{ resources: ['summary.js', 'list-export.js'], matches: ['<all_urls>'], use_dynamic_url: true }],
    commands: {
      [COPY_COMMAND]: {
        suggested_key: { default: 'Alt+Shift+C' },
        description: 'Copy the citation of the focused (or last clicked) reference',
      },
    },
    action: { default_title: 'RefLens' },
    ...(browser === 'firefox'
      ? {
          browser_specific_settings: {
            gecko: {
              id: 'reflens@reflens.invalid',
              // 140 (current ESR) is the first Firefox that reads data_collection_permissions.
              strict_min_version: '140.0',
              // AMO requires this declaration; reference text (titles, authors) is sent to the lookup services.
              data_collection_permissions: { required: ['websiteContent'] },
            },
          },
        }
      : {}),
  }),
  // REFLENS_MINIFY=0: readable function names in CPU profiles (npm run bench -- --budget-only --profile).
  vite: () => (process.env.REFLENS_MINIFY === '0' ? { build: { minify: false } } : {}),
  zip: {
    // The AMO sources zip is an allowlist: exactly what `npm ci && npx wxt build -b firefox` needs, plus the README.
    excludeSources: ['**'],
    includeSources: [
      'package.json',
      'package-lock.json',
      'wxt.config.ts',
      'tsconfig.json',
      'README.md',
      'LICENSE',
      'entrypoints/**',
      'src/**',
      'public/**',
      '!**/*.test.ts',
    ],
  },
});
