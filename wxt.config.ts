import { defineConfig } from 'wxt';
import { contentScriptMatches } from './src/sites/hosts';
import { API_HOST_PERMISSIONS } from './src/background/services/hosts';

export default defineConfig({
  modules: ['@wxt-dev/webextension-polyfill'],
  manifest: ({ browser }) => ({
    name: 'RefLens',
    description: 'DOI, PubMed and open-access links, citations and private notes for every reference on article pages.',
    permissions: ['storage', 'activeTab', 'scripting', 'clipboardWrite'],
    host_permissions: API_HOST_PERMISSIONS,
    action: { default_title: 'RefLens' },
    ...(browser === 'firefox'
      ? { browser_specific_settings: { gecko: { id: 'reflens@reflens.invalid', strict_min_version: '115.0' } } }
      : {}),
  }),
  // Content-script matches come from the adapter registry so the manifest cannot drift from the code.
  hooks: {
    'build:manifestGenerated': (_wxt, manifest) => {
      for (const cs of manifest.content_scripts ?? []) cs.matches = contentScriptMatches();
    },
  },
});
