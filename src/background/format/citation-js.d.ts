// citation-js ships no type declarations; this covers the part RefLens uses.
declare module '@citation-js/core' {
  interface Register<T> {
    has(name: string): boolean;
    add(name: string, value: T): void;
  }
  export const plugins: {
    config: { get(name: '@csl'): { styles: Register<string>; locales: Register<string> } };
  };
  export class Cite {
    constructor(data: unknown);
    format(format: string, options?: Record<string, unknown>): unknown;
  }
}
declare module '@citation-js/plugin-csl';
declare module '@citation-js/plugin-bibtex';
declare module '@citation-js/plugin-ris';
