/**
 * A readable difference between two versions of a ninjs document, field by field: each leaf is
 * named by its path (`headlines[0].value`, `bodies[1].value`), and a changed text shows the words
 * removed and added (the `diff` library's word diff), so an edited paragraph reads as an edit
 * rather than as a whole body replaced.
 */
import { diffWordsWithSpace } from 'diff';

export type DiffPart = { readonly text: string; readonly added?: true; readonly removed?: true };

export type FieldChange =
  | { readonly path: string; readonly kind: 'added'; readonly after: string }
  | { readonly path: string; readonly kind: 'removed'; readonly before: string }
  | {
      readonly path: string;
      readonly kind: 'changed';
      readonly before: string;
      readonly after: string;
      /** For texts: the word-level difference. */
      readonly parts: readonly DiffPart[];
    };

/** Every leaf value of a JSON document by its path, in document order. */
export function leavesOf(value: unknown, path = ''): Map<string, string> {
  const leaves = new Map<string, string>();
  const visit = (node: unknown, at: string) => {
    if (Array.isArray(node)) {
      if (node.length === 0) leaves.set(at, '[]');
      for (const [index, item] of node.entries()) visit(item, `${at}[${index}]`);
    } else if (node !== null && typeof node === 'object') {
      const entries = Object.entries(node);
      if (entries.length === 0) leaves.set(at, '{}');
      for (const [key, item] of entries) visit(item, at ? `${at}.${key}` : key);
    } else {
      leaves.set(at, typeof node === 'string' ? node : JSON.stringify(node));
    }
  };
  visit(value, path);
  return leaves;
}

/** The fields that differ between `before` and `after`, in the order of `after` (then removed ones). */
export function documentDiff(before: unknown, after: unknown): FieldChange[] {
  const old = leavesOf(before);
  const now = leavesOf(after);
  const changes: FieldChange[] = [];
  for (const [path, value] of now) {
    const previous = old.get(path);
    if (previous === undefined) changes.push({ path, kind: 'added', after: value });
    else if (previous !== value)
      changes.push({
        path,
        kind: 'changed',
        before: previous,
        after: value,
        parts: diffWordsWithSpace(previous, value).map((part) => ({
          text: part.value,
          ...(part.added ? { added: true as const } : {}),
          ...(part.removed ? { removed: true as const } : {}),
        })),
      });
  }
  for (const [path, value] of old) if (!now.has(path)) changes.push({ path, kind: 'removed', before: value });
  return changes;
}
