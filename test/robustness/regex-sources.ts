/**
 * Every regular expression written in the project's source, read with the TypeScript compiler API
 * (not with a regular expression over the text, which would miss or invent patterns): regex
 * literals, `new RegExp(...)` / `RegExp(...)` whose pattern is a constant expression of this file
 * (string and template literals, `String.raw`, `+`, and `const`s holding those), and strings given
 * to `match`, `matchAll` and `search`, which turn them into regular expressions.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

export interface RegexSource {
  /** Path from the repository root, and the 1-based line. */
  readonly where: string;
  /** The pattern, as the engine receives it; undefined when it is not a constant of the file. */
  readonly source?: string;
  readonly flags: string;
  /** The code that builds it, for messages about patterns that could not be read. */
  readonly code: string;
}

const SOURCE_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'];

export function sourceFiles(directory: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') files.push(...sourceFiles(path));
    } else if (SOURCE_EXTENSIONS.some((extension) => entry.name.endsWith(extension))) {
      if (!entry.name.endsWith('.d.ts')) files.push(path);
    }
  }
  return files.sort();
}

/** `const NAME = <initializer>` declarations of the file, by name (the last one if shadowed). */
function constants(file: ts.SourceFile): Map<string, ts.Expression> {
  const found = new Map<string, ts.Expression>();
  const visit = (node: ts.Node) => {
    if (
      ts.isVariableDeclarationList(node) &&
      (node.flags & ts.NodeFlags.Const) !== 0 &&
      node.declarations.length > 0
    ) {
      for (const declaration of node.declarations) {
        if (ts.isIdentifier(declaration.name) && declaration.initializer) {
          found.set(declaration.name.text, declaration.initializer);
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

function isStringRaw(tag: ts.Expression): boolean {
  return (
    ts.isPropertyAccessExpression(tag) &&
    ts.isIdentifier(tag.expression) &&
    tag.expression.text === 'String' &&
    tag.name.text === 'raw'
  );
}

/** The string value of a constant expression, or undefined when it depends on anything else. */
function fold(
  node: ts.Expression,
  names: ReadonlyMap<string, ts.Expression>,
  seen: ReadonlySet<string> = new Set(),
): string | undefined {
  if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node))
    return fold(node.expression, names, seen);
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) return template(node, false, names, seen);
  if (ts.isTaggedTemplateExpression(node) && isStringRaw(node.tag)) {
    const tagged = node.template;
    return ts.isNoSubstitutionTemplateLiteral(tagged)
      ? (tagged.rawText ?? tagged.text)
      : template(tagged, true, names, seen);
  }
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const left = fold(node.left, names, seen);
    const right = fold(node.right, names, seen);
    return left === undefined || right === undefined ? undefined : left + right;
  }
  if (ts.isIdentifier(node) && !seen.has(node.text)) {
    const initializer = names.get(node.text);
    return initializer ? fold(initializer, names, new Set([...seen, node.text])) : undefined;
  }
  return undefined;
}

function template(
  node: ts.TemplateExpression,
  raw: boolean,
  names: ReadonlyMap<string, ts.Expression>,
  seen: ReadonlySet<string>,
): string | undefined {
  const piece = (literal: ts.TemplateLiteralLikeNode) =>
    raw ? (literal.rawText ?? literal.text) : literal.text;
  let text = piece(node.head);
  for (const span of node.templateSpans) {
    const value = fold(span.expression, names, seen);
    if (value === undefined) return undefined;
    text += value + piece(span.literal);
  }
  return text;
}

const STRING_TO_REGEX_METHODS = new Set(['match', 'matchAll', 'search']);

export function regexSources(root: string, files: readonly string[]): RegexSource[] {
  const found: RegexSource[] = [];
  for (const path of files) {
    const text = readFileSync(path, 'utf8');
    const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
    const names = constants(file);
    const where = (node: ts.Node) =>
      `${relative(root, path)}:${file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1}`;
    const visit = (node: ts.Node) => {
      if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) {
        const literal = node.getText(file);
        const end = literal.lastIndexOf('/');
        found.push({
          where: where(node),
          source: literal.slice(1, end),
          flags: literal.slice(end + 1),
          code: literal,
        });
      } else if (
        (ts.isNewExpression(node) || ts.isCallExpression(node)) &&
        ts.isIdentifier(node.expression) &&
        node.expression.text === 'RegExp'
      ) {
        const [pattern, flags] = node.arguments ?? [];
        const source = pattern ? fold(pattern, names) : undefined;
        const flagText = flags ? fold(flags, names) : '';
        found.push({
          where: where(node),
          ...(source !== undefined && flagText !== undefined ? { source } : {}),
          flags: flagText ?? '',
          code: node.getText(file).slice(0, 200),
        });
      } else if (
        ts.isCallExpression(node) &&
        ts.isPropertyAccessExpression(node.expression) &&
        STRING_TO_REGEX_METHODS.has(node.expression.name.text) &&
        node.arguments.length === 1 &&
        node.arguments[0] !== undefined &&
        (ts.isStringLiteral(node.arguments[0]) || ts.isNoSubstitutionTemplateLiteral(node.arguments[0]))
      ) {
        found.push({
          where: where(node),
          source: node.arguments[0].text,
          flags: node.expression.name.text === 'matchAll' ? 'g' : '',
          code: node.getText(file).slice(0, 200),
        });
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
  }
  return found;
}
