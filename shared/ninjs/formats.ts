/**
 * The format checks the ninjs validator runs: ajv-formats' full set, with one pre-check in front of
 * `uri`. ajv-formats tests a URI against one 3 KB regular expression (RFC 3986), which V8 compiles
 * on its first use and again, to machine code, on its second: ~5 ms of a fresh process's first
 * article, spent on URIs such as `http://cv.iptc.org/newscodes/mediatopic/11000000` and `urn:…`.
 * COMMON_URI matches the common shapes with a small expression and accepts only strings the full
 * one accepts (an http(s) URL with a plain host, port and path, or a scheme and a path without a
 * slash first; then a query and a fragment, all without percent-escapes), so the result is always
 * the full test's (test/unit/ninjs/formats.test.ts). Every document we write has such URIs, and
 * one with a fragment: `standard.schema`.
 */
import { fullFormats } from 'ajv-formats/dist/formats.js';

const COMMON_URI =
  /^(?:https?:\/\/[a-z0-9][a-z0-9.-]*(?::\d+)?(?:\/[a-z0-9\-._~!$&'()*+,;=:@]*)*|[a-z][a-z0-9+\-.]*:[a-z0-9\-._~!$&'()*+,;=:@]+(?:\/[a-z0-9\-._~!$&'()*+,;=:@]*)*)(?:\?[a-z0-9\-._~!$&'()*+,;=:@/?]*)?(?:#[a-z0-9\-._~!$&'()*+,;=:@/?]*)?$/i;

const fullUri = fullFormats.uri as (value: string) => boolean;

/** ajv-formats' `uri`: whether `value` is an absolute URI. */
export function isUri(value: string): boolean {
  return COMMON_URI.test(value) || fullUri(value);
}

/** What the generated validator (./ninjs-validator.generated.js) checks formats with. */
export const ninjsFormats = { ...fullFormats, uri: isUri };
