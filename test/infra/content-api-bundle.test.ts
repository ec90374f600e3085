/**
 * The content API function as deployed: bundled with the partners whose feeds it serves in a file
 * beside its `index.mjs` (not in its environment, which Lambda caps at 4 KB), holding only what the
 * feeds read of each partner; a registry change is a new asset, hence a redeploy; and the bundled
 * module finds the file relative to itself at cold start.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { ContentApi } from '../../infra/constructs/content-api.js';
import { parsePartnerRegistry } from '../../shared/partners/registry.js';
import { REPO_ROOT } from '../helpers/paths.js';

const REGISTRY = {
  partners: [
    { name: 'all-news-wire', delivery: { type: 'sqs', accountId: '111122223333' }, filters: {} },
    {
      name: 'breaking-alerts',
      delivery: { type: 'https', endpoint: 'https://alerts.partner.example/syndication/sns' },
      filters: { minUrgency: 3 },
      payload: 'summary',
      fullTextLink: true,
    },
    {
      id: 'desk-old-name',
      name: 'desk-summaries',
      delivery: { type: 'email', address: 'desk@partner.example' },
      filters: { languages: ['en'] },
      payload: 'summary',
    },
  ],
};

/** Synthesises a stack holding the content API with bundling on: the function's asset directory. */
function bundleContentApi(outdir: string, registry: unknown): { asset: string; hash: string } {
  const app = new App({ outdir });
  const stack = new Stack(app, 'ContentApiBundleTest');
  const table = new Table(stack, 'Table', {
    partitionKey: { name: 'pk', type: AttributeType.STRING },
    sortKey: { name: 'sk', type: AttributeType.STRING },
  });
  const contentApi = new ContentApi(stack, 'ContentApi', {
    table,
    contentBucket: new Bucket(stack, 'Content'),
    serviceName: 'content-syndication-test',
    removalPolicy: RemovalPolicy.DESTROY,
    partners: parsePartnerRegistry(registry),
    contentLinkExpirySeconds: 21_600,
  });
  app.synth();
  const assets = readdirSync(outdir).filter(
    (name) => name.startsWith('asset.') && existsSync(join(outdir, name, 'index.mjs')),
  );
  assert.equal(assets.length, 1, `expected one bundled asset, found ${assets.join(', ')}`);
  const code = stack.resolve(
    (contentApi.function.node.defaultChild as unknown as { code: { s3Key: string } }).code.s3Key,
  ) as string;
  return { asset: join(outdir, assets[0] as string), hash: code };
}

describe('the bundled content API function', () => {
  let scratch: string;
  let bundled: { asset: string; hash: string };

  before(() => {
    // Inside the repository (.tmp is ignored), where scratch files of the tests belong.
    mkdirSync(join(REPO_ROOT, '.tmp'), { recursive: true });
    scratch = mkdtempSync(join(REPO_ROOT, '.tmp', 'content-api-bundle-'));
    bundled = bundleContentApi(join(scratch, 'cdk.out'), REGISTRY);
  });

  after(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  test('holds feed-partners.json beside index.mjs, with every partner and only what feeds read', () => {
    const document = JSON.parse(readFileSync(join(bundled.asset, 'feed-partners.json'), 'utf8'));
    assert.deepEqual(
      document.partners.map((partner: { name: string }) => partner.name),
      ['all-news-wire', 'breaking-alerts', 'desk-summaries'],
    );
    assert.deepEqual(document.partners[0], {
      name: 'all-news-wire',
      filters: {},
      payload: 'full',
      delivery: { type: 'sqs', accountId: '111122223333' },
    });
    assert.deepEqual(document.partners[1], {
      name: 'breaking-alerts',
      filters: { minUrgency: 3 },
      payload: 'summary',
      fullTextLink: true,
      delivery: { type: 'https' },
    });
    assert.deepEqual(document.partners[2], {
      id: 'desk-old-name',
      name: 'desk-summaries',
      filters: { languages: ['en'] },
      payload: 'summary',
      delivery: { type: 'email' },
    });
    const text = readFileSync(join(bundled.asset, 'feed-partners.json'), 'utf8');
    assert.doesNotMatch(text, /alerts\.partner\.example|desk@partner\.example/);
  });

  test('a registry change is a new asset (so the function is redeployed)', () => {
    const changed = bundleContentApi(join(scratch, 'changed'), {
      partners: [...REGISTRY.partners, { name: 'sports-desk', delivery: { type: 'sqs' }, filters: {} }],
    });
    assert.notEqual(changed.hash, bundled.hash);
  });

  test('the bundled module reads the file beside it at cold start', () => {
    const script = `const m = await import(${JSON.stringify(pathToFileURL(join(bundled.asset, 'index.mjs')).href)}); console.log(typeof m.handler);`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      env: {
        PATH: process.env.PATH,
        AWS_REGION: 'eu-west-1',
        TABLE_NAME: 'articles',
        LINK_SECRET_NAME: 'content-syndication-test/content-api/link-signing-key',
        CONTENT_API_URL: 'https://abc123.execute-api.eu-west-1.amazonaws.com',
        CONTENT_LINK_EXPIRY_SECONDS: '21600',
      },
      encoding: 'utf8',
    });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout.trim(), 'function');
  });
});
