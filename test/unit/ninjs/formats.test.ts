import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import fc from 'fast-check';
import { isUri, ninjsFormats } from '../../../shared/ninjs/formats.js';

const fullUri = fullFormats.uri as (value: string) => boolean;

/** URI-like strings: schemes, slashes, hosts, ports, paths, queries, percent signs and stray characters. */
const piece = fc.constantFrom(
  'http',
  'https',
  'urn',
  'mailto',
  'x-y.z+1',
  '1abc',
  ':',
  '//',
  '/',
  '?',
  '#',
  '@',
  '%',
  '%2F',
  '%zz',
  '[',
  ']',
  '::1',
  '127.0.0.1',
  ':8080',
  ':',
  'cv.iptc.org',
  'newscodes',
  'mediatopic',
  '11000000',
  'example.com',
  '-',
  '.',
  '_',
  '~',
  "'",
  '(',
  ')',
  '*',
  ',',
  ';',
  '=',
  '&',
  '$',
  '!',
  ' ',
  '\\',
  '"',
  '<',
  'é',
  'A',
  'z',
);
const uriLike = fc.array(piece, { maxLength: 12 }).map((pieces) => pieces.join(''));

describe('ninjs format checks', () => {
  test('uri gives the result of ajv-formats’ full test on URI-like strings (property)', () => {
    fc.assert(
      fc.property(uriLike, (value) => isUri(value) === fullUri(value)),
      { numRuns: 50_000 },
    );
  });

  test('uri agrees with the full test on the URIs the pipeline writes and on broken ones', () => {
    for (const value of [
      'http://cv.iptc.org/newscodes/mediatopic/11000000',
      'https://sws.geonames.org/2950159/',
      'urn:newsml:example.com:20260101:abc',
      'https://www.example.com:8443/news/2026/a-story.html',
      'mailto:desk@example.com',
      'http://example.com/path?query=1#fragment',
      'http://www.iptc.org/std/ninjs/ninjs-schema_3.2.json#',
      'urn:x:y?q#f',
      'http://example.com/?a=%41',
      'http://example.com/#%zz',
      'http://[::1]/',
      'http://example.com/%41',
      'http://example.com/%zz',
      'not a uri',
      'relative/path',
      'http://exa mple.com/',
      'http:',
      '',
    ])
      assert.equal(isUri(value), fullUri(value), value);
  });

  test('the validator’s formats are ajv-formats’ own but for uri', () => {
    assert.deepEqual(Object.keys(ninjsFormats).sort(), Object.keys(fullFormats).sort());
    for (const [name, check] of Object.entries(ninjsFormats))
      if (name !== 'uri') assert.equal(check, fullFormats[name as keyof typeof fullFormats], name);
  });
});
