/**
 * The patches in patches/ (applied by patch-package on `npm ci`, and on `npm ci --omit=dev`: all but
 * the iam-simulate one patch runtime dependencies) change how three dependencies do their work, not
 * what they return, and make fauxqs match String.Array attributes as SNS does. These tests check that
 * each patch is applied (patch-package skips a patch whose package version moved, with a warning
 * nobody reads in CI) and that the behaviour it touches still works.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { parseHTML } from 'linkedom';
import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';

/** The installed file a patch edits, as text (`npm ci` installs these at the top of node_modules). */
function installed(path: string): string {
  return readFileSync(new URL(`../../node_modules/${path}`, import.meta.url), 'utf8');
}

describe('dependency patches', () => {
  test('are applied', () => {
    assert.match(installed('sanitize-html/index.js'), /Patched \(patches\/sanitize-html\+2\.18\.1\.patch\)/);
    for (const build of ['linkedom/esm/interface/event-target.js', 'linkedom/cjs/interface/event-target.js'])
      assert.match(installed(build), /Patched \(patches\/linkedom\+0\.18\.15\.patch\)/, build);
    assert.match(
      installed('markdown-it/dist/markdown-it.mjs'),
      /patch-package \(patches\/markdown-it\+15\.0\.3\.patch\)/,
    );
    // fauxqs (a runtime dependency: the local runtime's SNS) carries no marker; its added function does.
    assert.match(
      installed('fauxqs/dist/sns/filter.js'),
      /function matchesArrayCondition\(condition, elements\)/,
    );
  });

  test('linkedom: listeners added after a node was made are called, once when asked, and can be removed', () => {
    const { document, Event } = parseHTML('<html><body><p id="a">text</p></body></html>');
    const paragraph = document.getElementById('a');
    assert.ok(paragraph);
    // A node that never had a listener: removing one is a no-op, dispatching reaches nothing.
    paragraph.removeEventListener('click', () => undefined);
    assert.equal(paragraph.dispatchEvent(new Event('click')), true);
    const calls: string[] = [];
    const always = () => calls.push('always');
    paragraph.addEventListener('click', always);
    paragraph.addEventListener('click', () => calls.push('once'), { once: true });
    paragraph.dispatchEvent(new Event('click'));
    paragraph.dispatchEvent(new Event('click'));
    paragraph.removeEventListener('click', always);
    paragraph.dispatchEvent(new Event('click'));
    assert.deepEqual(calls, ['always', 'once', 'always']);
  });

  test('sanitize-html: filters still see each element with its text and media children, call after call', () => {
    const options: sanitizeHtml.IOptions = {
      allowedTags: ['figure', 'img', 'figcaption', 'p', 'b'],
      allowedAttributes: { img: ['src'] },
      // Element frames carry the text below them and the media inside them (the hoisted Frame's methods).
      exclusiveFilter: (frame) =>
        (frame.tag === 'figure' && frame.mediaChildren.length === 0) ||
        (frame.tag === 'p' && frame.text.trim() === ''),
    };
    const html =
      '<figure><img src="https://example.com/a.jpg"><figcaption>kept</figcaption></figure>' +
      '<figure><figcaption>no image</figcaption></figure><p> <b></b> </p><p>text <b>bold</b></p>';
    const expected =
      '<figure><img src="https://example.com/a.jpg" /><figcaption>kept</figcaption></figure><p>text <b>bold</b></p>';
    // Twice: the first call must leave nothing behind that changes the second.
    assert.equal(sanitizeHtml(html, options), expected);
    assert.equal(sanitizeHtml(html, options), expected);
  });

  test('markdown-it: tokens keep every field and render as before', () => {
    const markdown = new MarkdownIt();
    const [open, inline] = markdown.parse('Some *emphasis* and a [link](https://example.com).', {});
    assert.ok(open && inline);
    assert.deepEqual(Object.keys(open).sort(), [
      'attrs',
      'block',
      'children',
      'content',
      'hidden',
      'info',
      'level',
      'map',
      'markup',
      'meta',
      'nesting',
      'tag',
      'type',
    ]);
    assert.equal(inline.children?.length, 9);
    assert.equal(
      markdown.render('Some *emphasis* and a [link](https://example.com).'),
      '<p>Some <em>emphasis</em> and a <a href="https://example.com">link</a>.</p>\n',
    );
  });
});
