// Atypon core and classic (PNAS, Science, NEJM, SAGE, T&F, ACS, ACM, Annual Reviews).
import { startRefLens } from '../src/content/main';
import { matchPatterns } from '../src/sites/pick';
import { atyponCore } from '../src/sites/atypon-core';
import { atyponClassic } from '../src/sites/atypon-classic';

export const adapters = [atyponCore, atyponClassic];

export default defineContentScript({
  matches: matchPatterns(adapters),
  runAt: 'document_end',
  main: () => startRefLens(document, new URL(location.href), adapters),
});
