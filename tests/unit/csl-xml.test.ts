// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { checkCslXml, styleHash } from '../../src/core/csl-xml';
// The full APA file from the official CSL repository, as citation-js ships it.
import cslStyles from '@citation-js/plugin-csl/lib/styles.json';

const NS = 'http://purl.org/net/xbiblio/csl';
const style = (body: string, attrs = `xmlns="${NS}" class="in-text" version="1.0"`) =>
  `<?xml version="1.0" encoding="utf-8"?>\n<style ${attrs}>\n${body}\n</style>`;
const INFO = '<info><title>Tiny &amp; Test</title><id>x</id></info>';
const LAYOUT = '<layout><text variable="title"/></layout>';

describe('checkCslXml', () => {
  it('accepts a real style file and reads its title', () => {
    const r = checkCslXml((cslStyles as Record<string, string>).apa!);
    expect(r).toEqual({ ok: true, title: 'APA Style 7th edition' });
  });

  it('accepts a small independent style, decoding entities in the title', () => {
    expect(checkCslXml(style(`${INFO}<citation>${LAYOUT}</citation><bibliography>${LAYOUT}</bibliography>`))).toEqual({
      ok: true,
      title: 'Tiny & Test',
    });
  });

  it.each([
    ['', 'The file is empty.'],
    [style('<citation><layout></citation>'), 'Not valid XML (line 3): closing tag </citation> does not match <layout> opened on line 3.'],
    [style('<citation>'), 'Not valid XML (line 4): closing tag </style> does not match <citation> opened on line 3.'],
    ['<style xmlns="x">', 'Not valid XML: <style> opened on line 1 is never closed.'],
    [style('<citation a="1" a="2"/>'), 'Not valid XML (line 3): the attribute "a" twice in <citation>.'],
    [style('<text value="Smith & Co"/>'), 'Not valid XML (line 3): a bare "&" in the value of "value" in <text>.'],
    [style('<text>a & b</text>'), 'Not valid XML (line 3): a bare "&" (write &amp;).'],
    [style('<text value=unquoted/>'), 'Not valid XML (line 3): a malformed attribute in <text>.'],
    ['<!DOCTYPE style [<!ENTITY a "b">]><style/>', 'Not valid XML (line 1): a DOCTYPE or declaration, which CSL styles do not use.'],
    ['<a/><b/>', 'Not valid XML (line 1): more than one root element.'],
    ['hello <a/>', 'Not valid XML (line 1): text outside the root element.'],
    ['<html><body/></html>', 'Not a CSL style: the root element is <html>, not <style>.'],
    ['<style><citation/><bibliography/></style>', `Not a CSL style: <style> is not in the CSL namespace (${NS}).`],
    [style(`${INFO}<link href="x" rel="independent-parent"/>`), 'This is a dependent CSL style (it has no <citation> or <bibliography> of its own): add its parent style instead.'],
    [style(`<citation>${LAYOUT}</citation>`), 'Not usable for copying references: the style has no <bibliography> element.'],
    [style(`<bibliography>${LAYOUT}</bibliography>`), 'Not a usable CSL style: it has no <citation> element.'],
  ])('rejects %j with a clear error', (xml, error) => {
    expect(checkCslXml(xml)).toEqual({ ok: false, error });
  });

  it('looks for <citation> only among the root children', () => {
    expect(checkCslXml(style(`<macro name="citation"><citation/></macro><bibliography>${LAYOUT}</bibliography>`)).ok).toBe(false);
  });

  it('skips comments, CDATA and quoted ">" in attributes', () => {
    const xml = style(`<!-- a <b> comment --><citation><layout><text value="a > b"/><text><![CDATA[x < y]]></text></layout></citation><bibliography>${LAYOUT}</bibliography>`);
    expect(checkCslXml(xml).ok).toBe(true);
  });

  it('hashes different texts differently and the same text the same', () => {
    expect(styleHash('a')).toBe(styleHash('a'));
    expect(styleHash('a')).not.toBe(styleHash('b'));
    expect(styleHash('a')).toMatch(/^[0-9a-f]{8}$/);
  });
});
