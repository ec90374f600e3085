/**
 * A fixed CPU workload, the same in every run and independent of the project's code, timed at the
 * start and the end of a benchmark run. The machine's speed drifts (a neighbour on the host, CPU
 * boost): the cold-start floor moved from 83 to 121 ms between two runs of the same commit. When
 * this workload takes longer, every figure of that run is slower for the same reason, so two runs'
 * figures are comparable only as far as their calibrations agree.
 */
import { createHash } from 'node:crypto';
import { median } from './stats.js';

/** A deterministic pseudo-random word list (xorshift), so every run parses the same text. */
function sampleText(words: number): string {
  let state = 0x9e3779b9;
  const parts: string[] = [];
  for (let index = 0; index < words; index++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    const length = 2 + ((state >>> 0) % 9);
    let word = '';
    for (let char = 0; char < length; char++) word += String.fromCharCode(97 + ((state >>> (char * 3)) & 15));
    parts.push(index % 12 === 0 ? `${word[0]?.toUpperCase()}${word.slice(1)}` : word);
  }
  return parts.join(' ');
}

const TEXT = sampleText(40_000);

/** One round: word counts with a regex, a JSON round trip and a SHA-256, as normalising does. */
function round(): number {
  const counts = new Map<string, number>();
  for (const [word] of TEXT.matchAll(/\p{L}+/gu)) counts.set(word, (counts.get(word) ?? 0) + 1);
  const copy = JSON.parse(JSON.stringify([...counts])) as [string, number][];
  return createHash('sha256').update(TEXT).update(String(copy.length)).digest()[0] ?? 0;
}

/** CPU milliseconds of one round, the median of `rounds` after two untimed ones. */
export function calibrate(rounds = 7): number {
  round();
  round();
  const times: number[] = [];
  for (let index = 0; index < rounds; index++) {
    const before = process.cpuUsage();
    round();
    const used = process.cpuUsage(before);
    times.push((used.user + used.system) / 1000);
  }
  return median(times);
}
