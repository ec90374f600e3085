#!/usr/bin/env node
// The `syndicate` CLI. It runs the JavaScript built from cli/ and local/ at install time (`npm ci` runs the
// `prepare` script, scripts/build-cli.ts, into dist/cli/), so a command starts without compiling
// TypeScript. When that build is missing or older than the sources, it runs the sources through
// tsx instead: the same behaviour, a second or so slower to start.
import module from 'node:module';
import { BUILD_FOLDER, buildProblem } from './build-state.js';

// Node 22.1+ keeps the compiled code of the modules it loads on disk and reuses it on the next start
// (Node's own cache folder); Node 20 has no such cache and goes on without it.
module.enableCompileCache?.();

// Stack traces (--debug) point into the TypeScript sources, through the build's source maps.
process.setSourceMapsEnabled(true);

// Locally the handlers' INFO logs would drown the journeys; warnings and errors still go to stderr.
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';

// The AWS SDK warns on start that its 2027 releases need Node 22. Lambda runs Node 22+ and the
// lockfile pins the SDK, so locally the warning says nothing actionable; the SDK's own switch mutes it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const root = new URL('../', import.meta.url);
const problem = buildProblem(root);
if (problem === undefined) {
  await import(new URL(`${BUILD_FOLDER}cli.js`, root).href);
} else {
  // Said to people only: scripts and tests read stderr for the command's own messages.
  if (process.stderr.isTTY)
    process.stderr.write(
      `syndicate: running from the TypeScript sources, slower to start (build ${problem}: npm run build)\n`,
    );
  const { register } = await import('tsx/esm/api');
  register();
  await import('../cli/main.ts');
}
