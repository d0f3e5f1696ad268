import { atyponClassic } from './atypon-classic';
import { atyponCore } from './atypon-core';
import { cambridge } from './cambridge';
import { elife } from './elife';
import { elsevierHealth } from './elsevier-health';
import { europepmc } from './europepmc';
import { frontiers } from './frontiers';
import { generic } from './generic';
import { highwire } from './highwire';
import { ieee } from './ieee';
import { jama } from './jama';
import { mdpi } from './mdpi';
import { oup } from './oup';
import { peerj } from './peerj';
import { plos } from './plos';
import { pmc } from './pmc';
import { pubmed } from './pubmed';
import { sciencedirect } from './sciencedirect';
import { springerNature } from './springer-nature';
import { wiley } from './wiley';
import type { SiteAdapter } from './types';

/**
 * Every publisher adapter, most specific first. Adapters sharing a host (Atypon core and classic) decide by the
 * DOM in `matches`. The generic detector is not here: it runs only when the user clicks the toolbar button.
 * Content scripts are bundled per platform family (entrypoints/*.content.ts) so a page loads only its adapters;
 * tests/unit/content-bundles.test.ts checks that the bundles cover exactly this list.
 */
export const ADAPTERS: readonly SiteAdapter[] = [
  elsevierHealth,
  sciencedirect,
  atyponCore,
  atyponClassic,
  highwire,
  springerNature,
  wiley,
  plos,
  elife,
  peerj,
  frontiers,
  mdpi,
  pubmed,
  pmc,
  europepmc,
  oup,
  jama,
  cambridge,
  ieee,
];

export { hostMatches, matchPatterns, pickAdapter } from './pick';
