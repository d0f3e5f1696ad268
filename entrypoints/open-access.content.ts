// Open-access publishers: PLOS, eLife, PeerJ, Frontiers, MDPI.
import { startRefLens } from '../src/content/main';
import { matchPatterns } from '../src/sites/pick';
import { plos } from '../src/sites/plos';
import { elife } from '../src/sites/elife';
import { peerj } from '../src/sites/peerj';
import { frontiers } from '../src/sites/frontiers';
import { mdpi } from '../src/sites/mdpi';

export const adapters = [plos, elife, peerj, frontiers, mdpi];

export default defineContentScript({
  matches: matchPatterns(adapters),
  runAt: 'document_end',
  main: () => startRefLens(document, new URL(location.href), adapters),
});
