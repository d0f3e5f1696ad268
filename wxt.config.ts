import { defineConfig } from 'wxt';
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
});
