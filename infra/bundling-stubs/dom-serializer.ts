/**
 * Bundled in place of `dom-serializer` (~80 KB with the entities 4 tables htmlparser2 10 nests for
 * it). It is reached only through `domutils`' deprecated `getOuterHTML` / `getInnerHTML`, which
 * nothing calls: linkedom serialises its own DOM and gives css-select its own adapter, and our code
 * and sanitize-html use htmlparser2's `Parser` alone. linkedom's `import * as` of htmlparser2 is
 * what drags it in. Should anything call it, it fails loudly instead of returning wrong markup.
 */
export default function render(): never {
  throw new Error('DOM serialisation through dom-serializer is not in the Lambda bundle (stubbed out)');
}
