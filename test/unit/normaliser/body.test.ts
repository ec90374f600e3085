/**
 * Article bodies: sanitizeBody gives in one sanitize-html walk what sanitizeBodyHtml and then
 * htmlToParagraphs give in two parses — the same HTML, and the same paragraphs.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  collapseWhitespace,
  htmlToParagraphs,
  sanitizeBody,
  sanitizeBodyHtml,
} from '../../../shared/normaliser/body.js';
import { budget, html, htmlPage } from '../../fuzz/arbitraries.js';

function twoParses(markup: string) {
  const safe = sanitizeBodyHtml(markup);
  return { html: safe, paragraphs: htmlToParagraphs(safe) };
}

/** Block, table and removed elements in any order, closed or not: the cases HTML repairs. */
const tagSoup = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        '<p>',
        '</p>',
        '<div>',
        '</div>',
        '<ul>',
        '</ul>',
        '<li>',
        '</li>',
        '<table>',
        '</table>',
        '<tr>',
        '<td>',
        '</td>',
        '<th>',
        '<tbody>',
        '<dl>',
        '<dt>',
        '<dd>',
        '<h2>',
        '</h2>',
        '<span>',
        '</span>',
        '<section>',
        '</section>',
        '<br>',
        '<b>',
        '<a href="https://example.com/">',
        '</a>',
        '<img src="https://example.com/a.png" alt="A">',
        '<script>x()</script>',
        '<svg><p>hidden</p></svg>',
        '<noscript>',
        '</noscript>',
        '<iframe>',
        '<!-- note -->',
        '&amp;',
        '&lt;b&gt;',
        '&amp;amp;',
      ),
      fc.constantFrom('word', 'two words', ' ', '\n', '<', '&', '"'),
    ),
    { maxLength: 30 },
  )
  .map((pieces) => pieces.join(''));

describe('sanitizeBody', () => {
  test('gives the HTML and paragraphs of sanitising and then parsing the output again', () => {
    fc.assert(
      fc.property(fc.oneof(tagSoup, html(4), htmlPage), (markup) => {
        assert.deepEqual(sanitizeBody(markup), twoParses(markup));
      }),
      budget(2000),
    );
  });

  test('one paragraph per block, entities decoded, removed elements without their text', () => {
    const body = sanitizeBody(
      '<div><h2>Bridge &amp; harbour</h2><p>Work starts<br>next spring.</p><script>track()</script>' +
        '<svg><text>logo</text></svg><ul><li>Ferry &lt;free&gt;</li><li><b>Two</b> years</li></ul>' +
        '<table><tr><td>a</td><td>b</td></tr></table></div>',
    );
    assert.deepEqual(body.paragraphs, [
      'Bridge & harbour',
      'Work starts next spring.',
      'Ferry <free>',
      'Two years',
      'a b',
    ]);
    assert.equal(body.html.includes('script'), false);
  });

  test('reads paragraphs from the output where HTML would repair it differently than the walk', () => {
    // The walk sees the second <li> inside a <div>; the output without the <div> closes the first.
    for (const markup of [
      '<ul><li>a<div><li>b</li></div>c</li>d</ul>',
      '<table><tr><td>a<div><td>b</div>c</table>d',
      '<p>a<div>b</p>c</div>',
    ]) {
      assert.deepEqual(sanitizeBody(markup), twoParses(markup));
    }
  });
});

describe('collapseWhitespace', () => {
  test('turns every run of whitespace into one space, as replacing \\s+ does', () => {
    const whitespace = fc.constantFrom(' ', '  ', '\t', '\n', '\r\n', '\u00a0', '\u2028', '\u3000', '\ufeff');
    const text = fc.array(fc.oneof(whitespace, fc.string({ maxLength: 4 })), { maxLength: 20 });
    fc.assert(
      fc.property(text, (pieces) => {
        const joined = pieces.join('');
        assert.equal(collapseWhitespace(joined), joined.replace(/\s+/g, ' '));
      }),
      budget(2000),
    );
  });
});
