// The bare extractor as a whole process, the peer of `syndicate normalise PAGE` in the benchmark
// (bench/sections/cli.ts): read an HTML page, parse it with linkedom, run Readability, print the
// article as JSON. Plain JavaScript run by node directly, as a minimal script using the two libraries
// would be.
import { readFileSync } from 'node:fs';
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';

const file = process.argv[2];
if (!file) throw new Error('usage: node bench/bare-extract.js PAGE.html');
const { document } = parseHTML(readFileSync(file, 'utf8'));
const article = new Readability(document).parse();
if (!article?.content) throw new Error(`${file}: Readability found no article`);
process.stdout.write(
  `${JSON.stringify({ title: article.title, byline: article.byline, content: article.content })}\n`,
);
