/** The web services RefLens talks to, and the only hosts the extension asks permission for. */
export const SERVICE_ORIGINS = {
  crossref: 'https://api.crossref.org',
  eutils: 'https://eutils.ncbi.nlm.nih.gov',
  idconv: 'https://pmc.ncbi.nlm.nih.gov',
  europepmc: 'https://www.ebi.ac.uk',
  openalex: 'https://api.openalex.org',
  unpaywall: 'https://api.unpaywall.org',
} as const;

export type ServiceName = keyof typeof SERVICE_ORIGINS;

export const API_HOST_PERMISSIONS: string[] = Object.values(SERVICE_ORIGINS).map((o) => `${o}/*`);
