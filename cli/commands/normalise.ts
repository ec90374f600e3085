/** `syndicate normalise FILE...`: the ninjs document each file becomes, printed or written to a folder. */
import { mkdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { FORMATS, type Format } from '../../shared/normaliser/detect.js';
import type { Parsed } from '../support.js';
import { CliError, distinctKeys, readInput, say, warn } from '../support.js';
import { dryRunIngest } from './dry-run.js';

export async function commandNormalise({ values, positionals }: Parsed): Promise<number> {
  const format = values.format as Format | undefined;
  if (format !== undefined && !FORMATS.includes(format))
    throw new CliError(`--format '${format}' is not a format`, `use one of ${FORMATS.join(', ')}`);
  const out = values.out as string | undefined;
  if (out) mkdirSync(out, { recursive: true });
  const inputs = distinctKeys(positionals, {
    ...(typeof values.root === 'string' ? { root: values.root } : {}),
    ...(typeof values.source === 'string' ? { source: values.source } : {}),
  });
  let normalised = 0;
  let failed = 0;
  for (const { file, key } of inputs) {
    let bytes: Buffer;
    try {
      bytes = await readInput(file);
    } catch (error) {
      if (!(error instanceof CliError)) throw error;
      // One bad argument does not stop the others; the exit status says something went wrong.
      failed++;
      warn(`syndicate: ${error.what} (${error.hint})`);
      continue;
    }
    const result = await dryRunIngest(key, bytes, format);
    if ('rejected' in result) {
      failed++;
      warn(`${file}: rejected (${result.rejected.code}): ${result.rejected.reason}`);
      continue;
    }
    normalised++;
    const { ninjs, provenance } = result.stored;
    // --explain: how each heuristic value was decided (rule and confidence), beside the document.
    const document = values.explain ? { file, key, ninjs, explain: provenance } : ninjs;
    if (out) {
      // Named by the object key, which is distinct per input, so no output overwrites another.
      const target = join(out, `${key}.json`);
      mkdirSync(dirname(target), { recursive: true });
      await writeFile(target, `${JSON.stringify(document, null, 2)}\n`);
      say(`${file} -> ${target} (${ninjs.headlines?.[0]?.value ?? ''})`);
    } else {
      say(inputs.length === 1 ? JSON.stringify(document, null, 2) : JSON.stringify(document));
    }
  }
  if (out || (failed > 0 && inputs.length > 1)) (out ? say : warn)(`${normalised} normalised, ${failed} not`);
  return failed > 0 ? 1 : 0;
}
