/**
 * The normalise function as deployed: bundled by the project's PipelineFunction construct (esbuild
 * with infra/bundling.ts: minified ESM, code splitting, the stub aliases of infra/bundling-stubs/), started in a fresh `node` process and
 * handed S3 notifications for objects on the local emulators. Every article it indexes must be the
 * one the unbundled code (what the other tests run) makes of the same object — same content hash,
 * same rejection code — so a stubbed-out module or a bundling quirk cannot change an article unseen.
 * The objects: the sample articles, the reference fixtures of every format and the hostile inputs.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { App, Stack } from 'aws-cdk-lib';
import { PipelineFunction } from '../../infra/constructs/pipeline-function.js';
import { LocalPipeline } from '../../local/pipeline.js';
import { DynamoDbArticleIndex } from '../../shared/adapters/dynamodb-article-index.js';
import { S3ObjectStore } from '../../shared/adapters/s3-object-store.js';
import { articleUriForKey } from '../../shared/domain/article.js';
import { RejectedInputError } from '../../shared/domain/errors.js';
import { normaliseObject } from '../../shared/normaliser/normalise.js';
import { FIXTURES, REPO_ROOT, SAMPLE_ARTICLES } from '../helpers/paths.js';
import { hostileCases } from '../robustness/hostile-cases.js';

interface SourceFile {
  readonly key: string;
  readonly bytes: Uint8Array;
  readonly contentType?: string;
}

function filesUnder(root: string, accept: (path: string) => boolean): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .filter(accept)
    .sort();
}

function sources(): SourceFile[] {
  const fromFiles = (root: string, prefix: string, accept: (path: string) => boolean) =>
    filesUnder(root, accept).map((path) => ({
      key: `${prefix}/${relative(root, path)}`,
      bytes: new Uint8Array(readFileSync(path)),
    }));
  return [
    ...fromFiles(SAMPLE_ARTICLES, 'samples', () => true),
    // The fixtures' expected outputs and notes are not inputs.
    ...fromFiles(FIXTURES, 'fixtures', (path) => !/(SOURCES\.md|LICENSE|expected[^/]*)$/.test(path)),
    ...hostileCases()
      .filter((hostile) => !hostile.normaliserOnly)
      .map((hostile) => ({
        key: `hostile/${hostile.id}/${hostile.file}`,
        bytes: hostile.bytes,
        ...(hostile.contentType ? { contentType: hostile.contentType } : {}),
      })),
  ];
}

/** `cdk synth` with bundling on, for a stack holding the given functions: their assets' directories. */
function bundleFunctions(outdir: string, entries: Record<string, string>): string[] {
  const app = new App({ outdir });
  const stack = new Stack(app, 'BundleTest');
  for (const [id, entry] of Object.entries(entries)) new PipelineFunction(stack, id, { entry });
  app.synth();
  return readdirSync(outdir)
    .filter((name) => name.startsWith('asset.') && existsSync(join(outdir, name, 'index.mjs')))
    .map((name) => join(outdir, name));
}

/** The normalise function's bundle: its asset's index.mjs (chunks beside it). */
function bundleNormalise(outdir: string): string {
  const assets = bundleFunctions(outdir, { Normalise: 'functions/normalise.ts' });
  assert.equal(assets.length, 1, `expected one bundled asset, found ${assets.join(', ')}`);
  return join(assets[0] as string, 'index.mjs');
}

/** Every input file of a bundle: the sources its source maps (entry and chunks) list. */
function bundledInputs(directory: string): string[] {
  return filesUnder(directory, (path) => path.endsWith('.map')).flatMap(
    (map) => (JSON.parse(readFileSync(map, 'utf8')) as { sources: string[] }).sources,
  );
}

/** The bundled handler in a fresh process, as Lambda runs it; resolves with its responses. */
function invokeBundled(
  bundle: string,
  events: unknown[],
  scratch: string,
  environment: Readonly<Record<string, string>>,
): Promise<unknown[]> {
  const eventsFile = join(scratch, `events-${randomUUID()}.json`);
  writeFileSync(eventsFile, JSON.stringify(events));
  const script = `
    import { readFileSync } from 'node:fs';
    const [bundle, eventsFile] = process.argv.slice(1);
    const { handler } = await import(bundle);
    const responses = [];
    for (const event of JSON.parse(readFileSync(eventsFile, 'utf8'))) responses.push(await handler(event));
    process.stdout.write('@@responses ' + JSON.stringify(responses) + '\\n');
    process.exit(0);`;
  const env: NodeJS.ProcessEnv = { ...process.env, ...environment, NODE_OPTIONS: '--enable-source-maps' };
  delete env.AWS_LAMBDA_FUNCTION_NAME;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script, bundle, eventsFile], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const line = stdout.split('\n').find((candidate) => candidate.startsWith('@@responses '));
      if (code !== 0 || !line) reject(new Error(`the bundled handler failed (${code}): ${stderr}`));
      else resolve(JSON.parse(line.slice('@@responses '.length)) as unknown[]);
    });
  });
}

function sqsMessage(bucket: string, key: string, sequencer: number): unknown {
  const notification = {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        eventName: 'ObjectCreated:Put',
        eventTime: new Date().toISOString(),
        s3: {
          bucket: { name: bucket, arn: `arn:aws:s3:::${bucket}` },
          // S3 URL-encodes keys in notifications, with '+' for spaces.
          object: {
            key: encodeURIComponent(key).replace(/%2F/g, '/').replace(/%20/g, '+'),
            sequencer: sequencer.toString(16).toUpperCase().padStart(18, '0'),
          },
        },
      },
    ],
  };
  return { messageId: randomUUID(), body: JSON.stringify(notification), eventSource: 'aws:sqs' };
}

describe('the bundled normalise function', () => {
  let pipeline: LocalPipeline;
  let scratch: string;
  let bundle: string;

  before(async () => {
    // Inside the repository (.tmp is ignored), where scratch files of the tests belong.
    mkdirSync(join(REPO_ROOT, '.tmp'), { recursive: true });
    scratch = mkdtempSync(join(REPO_ROOT, '.tmp', 'bundle-test-'));
    bundle = bundleNormalise(join(scratch, 'cdk.out'));
    pipeline = await LocalPipeline.start([]);
  });

  after(async () => {
    await pipeline?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  test('carries none of the modules it has no use for', () => {
    const inputs = bundledInputs(dirname(bundle));
    assert.ok(inputs.some((input) => input.includes('node_modules/linkedom/')));
    for (const unused of ['iconv-lite', 'cssomnom', 'postcss', 'source-map-js', 'dom-serializer']) {
      const found = inputs.filter((input) => input.includes(`node_modules/${unused}/`));
      assert.deepEqual(found, [], `${unused} is bundled`);
    }
  });

  test('is its own: each function of a stack gets a bundle of its entry', () => {
    const assets = bundleFunctions(join(scratch, 'two-functions'), {
      Normalise: 'functions/normalise.ts',
      Release: 'functions/release.ts',
    });
    assert.equal(assets.length, 2, `expected two bundled assets, found ${assets.length}`);
    const withParsers = assets.filter((asset) =>
      bundledInputs(asset).some((input) => input.includes('node_modules/linkedom/')),
    );
    assert.equal(withParsers.length, 1, 'only the normalise bundle holds the HTML parser');
  });

  test('indexes every sample, fixture and hostile input exactly as the unbundled code does', async () => {
    const { bucket, table } = pipeline.resources;
    const files = sources();
    assert.ok(files.some((file) => file.key.endsWith('.html')));
    for (const file of files)
      await pipeline.upload(file.key, file.bytes, {
        notify: false,
        ...(file.contentType ? { contentType: file.contentType } : {}),
      });

    // SQS batches of ten, as the stack configures, in one process: one cold and many warm invocations.
    const events: unknown[] = [];
    for (let start = 0; start < files.length; start += 10)
      events.push({
        Records: files
          .slice(start, start + 10)
          .map((file, index) => sqsMessage(bucket, file.key, start + index + 1)),
      });
    const responses = await invokeBundled(bundle, events, scratch, pipeline.functionEnvironment('normalise'));
    for (const response of responses) assert.deepEqual(response, { batchItemFailures: [] });

    const s3 = new S3Client(pipeline.clientConfig('s3'));
    const dynamoDb = new DynamoDBClient(pipeline.clientConfig('dynamodb'));
    try {
      const objects = new S3ObjectStore(s3);
      const index = new DynamoDbArticleIndex(dynamoDb, table);
      let accepted = 0;
      for (const file of files) {
        const object = await objects.get(bucket, file.key);
        assert.ok(object, file.key);
        let expected: { contentHash: string } | { code: string };
        try {
          expected = { contentHash: (await normaliseObject(object)).contentHash };
        } catch (error) {
          if (!(error instanceof RejectedInputError)) throw error;
          expected = { code: error.code };
        }
        if ('contentHash' in expected) {
          accepted++;
          // The article's uri may come from the document (a canonical link), not the key.
          const uri = (await index.objectState(file.key))?.uri ?? articleUriForKey(file.key);
          const stored = await index.version(uri, 1);
          assert.equal(stored?.contentHash, expected.contentHash, `${file.key}: bundled output differs`);
        } else {
          const rejection = await index.latestRejection(file.key);
          assert.equal(rejection?.code, expected.code, `${file.key}: bundled rejection differs`);
        }
      }
      assert.ok(accepted > 20, `only ${accepted} inputs were accepted`);
    } finally {
      s3.destroy();
      dynamoDb.destroy();
    }
  });
});
