/**
 * Hostnames each adapter serves. Kept apart from the adapters (which touch the DOM) so the build config
 * can read them to generate the content-script `matches`, and the coverage test can check them.
 */

/** Elsevier health and society journals on the Atypon "core" platform (cell.com shell). */
export const ELSEVIER_HEALTH_HOSTS = [
  'www.clinical-breast-cancer.com',
  'www.thelancet.com',
  'www.cell.com',
  'www.jacionline.org',
  'www.ajog.org',
  'www.ajkd.org',
  'www.amjmed.com',
  'www.annemergmed.com',
  'www.gastrojournal.org',
  'www.cghjournal.org',
  'www.journal-of-hepatology.eu',
  'www.jaad.org',
  'www.jvascsurg.org',
  'www.jtcvs.org',
  'www.annalsthoracicsurgery.org',
  'www.heartrhythmjournal.com',
  'www.jpeds.com',
  'www.ajpmonline.org',
  'www.redjournal.org',
  'www.practicalradonc.org',
  'www.clinical-lung-cancer.com',
  'www.clinical-colorectal-cancer.com',
  'www.clinical-genitourinary-cancer.com',
  'www.clinical-lymphoma-myeloma-leukemia.com',
  'www.jto.org',
  'www.mayoclinicproceedings.org',
  'www.kidney-international.org',
  'www.jidonline.org',
  'www.ejcancer.com',
  'www.fertstert.org',
  'www.jamda.com',
  'www.jpsmjournal.com',
  'www.resuscitationjournal.com',
  'www.ajconline.org',
  'www.ahjonline.com',
  'www.annalsofoncology.org',
  'www.esmoopen.com',
  'www.jarthroplasty.org',
  'www.arthroscopyjournal.org',
  'www.jhltonline.org',
  'www.jmig.org',
  'www.jbc.org',
] as const;

export const SCIENCEDIRECT_HOSTS = ['www.sciencedirect.com'] as const;

/** Every host a content script is declared on, as match patterns (http and https). */
export function contentScriptMatches(): string[] {
  const hosts = [...ELSEVIER_HEALTH_HOSTS, ...SCIENCEDIRECT_HOSTS];
  return hosts.map((h) => `*://${h}/*`);
}
