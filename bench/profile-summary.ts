/**
 * Where the time went in a V8 CPU profile (`node --cpu-prof`, or `npm run bench -- --cpu-prof DIR`).
 *
 *   npx tsx bench/profile-summary.ts FILE.cpuprofile|DIR [--top N] [--filter TEXT]
 *
 * Prints the functions with the most self time, the functions with the most total time (each
 * sample counted once per function, so recursion does not double it) and self time by package or
 * source folder. `--filter` keeps only samples whose stack contains a frame matching TEXT (e.g. a
 * function name), to look at one phase. Frames in a bundle with a `.map` beside it (the benchmark's
 * Lambda bundles) are mapped back to their source files.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
  readonly columnNumber: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}

interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '25' }, filter: { type: 'string' } },
});
const file = positionals[0];
if (!file) {
  process.stderr.write('usage: npx tsx bench/profile-summary.ts FILE.cpuprofile [--top N] [--filter TEXT]\n');
  process.exit(2);
}
const top = Number(values.top);

/** A directory holds one profile per thread: the main thread's is the one with the most busy samples. */
function pick(path: string): { path: string; profile: Profile } {
  const files = statSync(path).isDirectory()
    ? readdirSync(path)
        .filter((name) => name.endsWith('.cpuprofile'))
        .map((name) => join(path, name))
    : [path];
  const loaded = files.map((candidate) => ({
    path: candidate,
    profile: JSON.parse(readFileSync(candidate, 'utf8')) as Profile,
  }));
  const busy = ({ profile }: { profile: Profile }) => {
    const idle = new Set(
      profile.nodes.filter((node) => node.callFrame.functionName === '(idle)').map((node) => node.id),
    );
    return profile.samples.filter((id) => !idle.has(id)).length;
  };
  const best = loaded.sort((a, b) => busy(b) - busy(a))[0];
  if (!best) throw new Error(`no .cpuprofile in ${path}`);
  return best;
}
const { path: chosen, profile } = pick(file);

function shortUrl(url: string): string {
  const path = url.replace(/^file:\/\//, '');
  const module = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(path);
  if (module) return `${module[1]}/${module[2]}`;
  const own = /\/(functions|shared|local|bench|infra)\/(.*)$/.exec(path);
  return own ? `${own[1]}/${own[2]}` : path || '(native)';
}

function group(url: string): string {
  const path = url.replace(/^file:\/\//, '');
  const module = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path);
  if (module) return module[1] as string;
  const own = /\/((?:functions|shared|local|bench|infra)(?:\/[^/]+)?)\//.exec(path);
  if (own) return own[1] as string;
  if (path.startsWith('node:')) return 'node (built-ins)';
  return path ? path : '(V8 / native)';
}

/** Per generated line: [generated column, source index, original line] segments, from a source map. */
type LineMappings = [number, number, number][];
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function decodeMappings(mappings: string): LineMappings[] {
  const lines: LineMappings[] = [];
  let source = 0;
  let originalLine = 0;
  for (const line of mappings.split(';')) {
    const segments: LineMappings = [];
    let column = 0;
    for (const segment of line.split(',')) {
      if (!segment) continue;
      const fields: number[] = [];
      let value = 0;
      let shift = 0;
      for (const char of segment) {
        const digit = BASE64.indexOf(char);
        value += (digit & 31) << shift;
        if (digit & 32) shift += 5;
        else {
          fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      column += fields[0] ?? 0;
      if (fields.length >= 4) {
        source += fields[1] ?? 0;
        originalLine += fields[2] ?? 0;
        segments.push([column, source, originalLine]);
      }
    }
    lines.push(segments);
  }
  return lines;
}

const sourceMaps = new Map<string, { sources: string[]; lines: LineMappings[] } | undefined>();

/** A bundle's frame, mapped back to its source file and line through the bundle's `.map` (when there is one). */
function original(frame: CallFrame): CallFrame {
  if (!frame.url.startsWith('file://')) return frame;
  const path = frame.url.slice('file://'.length);
  if (!sourceMaps.has(path)) {
    let loaded: { sources: string[]; lines: LineMappings[] } | undefined;
    if (existsSync(`${path}.map`)) {
      const map = JSON.parse(readFileSync(`${path}.map`, 'utf8')) as { sources: string[]; mappings: string };
      loaded = {
        sources: map.sources.map((source) => join(dirname(path), source)),
        lines: decodeMappings(map.mappings),
      };
    }
    sourceMaps.set(path, loaded);
  }
  const map = sourceMaps.get(path);
  const segments = map?.lines[frame.lineNumber];
  if (!map || !segments) return frame;
  let found: [number, number, number] | undefined;
  for (const segment of segments) {
    if (segment[0] > frame.columnNumber) break;
    found = segment;
  }
  if (!found) return frame;
  return { ...frame, url: `file://${map.sources[found[1]] ?? path}`, lineNumber: found[2] };
}

const label = (frame: CallFrame) =>
  `${frame.functionName || '(anonymous)'} ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;

const byId = new Map(
  profile.nodes.map((node) => [node.id, { ...node, callFrame: original(node.callFrame) }]),
);
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

const self = new Map<string, number>();
const total = new Map<string, number>();
const groups = new Map<string, number>();
let sampled = 0;
profile.samples.forEach((id, index) => {
  const delta = (profile.timeDeltas[index] ?? 0) / 1000;
  const stack: ProfileNode[] = [];
  for (let node = byId.get(id); node; node = byId.get(parent.get(node.id) ?? -1)) stack.push(node);
  if (values.filter && !stack.some((node) => label(node.callFrame).includes(values.filter as string))) return;
  const leaf = stack[0];
  if (!leaf) return;
  sampled += delta;
  const name = leaf.callFrame.functionName;
  if (name === '(idle)' || name === '(program)' || name === '(garbage collector)') {
    self.set(name, (self.get(name) ?? 0) + delta);
    groups.set(name, (groups.get(name) ?? 0) + delta);
    return;
  }
  self.set(label(leaf.callFrame), (self.get(label(leaf.callFrame)) ?? 0) + delta);
  groups.set(group(leaf.callFrame.url), (groups.get(group(leaf.callFrame.url)) ?? 0) + delta);
  for (const key of new Set(stack.map((node) => label(node.callFrame))))
    total.set(key, (total.get(key) ?? 0) + delta);
});

const print = (title: string, entries: Map<string, number>) => {
  process.stdout.write(`\n${title}\n`);
  for (const [key, ms] of [...entries].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    process.stdout.write(
      `${ms.toFixed(0).padStart(8)} ms ${((ms / sampled) * 100).toFixed(1).padStart(5)}%  ${key}\n`,
    );
  }
};
process.stdout.write(
  `${chosen}: ${sampled.toFixed(0)} ms sampled${values.filter ? ` (stacks containing "${values.filter}")` : ''}\n`,
);
print('self time by package / folder', groups);
print('self time by function', self);
print('total time by function', total);
