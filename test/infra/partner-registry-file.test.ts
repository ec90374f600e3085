import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { stageConfigFrom } from '../../infra/config.js';
import { generatedRegistry } from '../../scripts/partner-registry-generator.js';
import { ConfigurationError } from '../../shared/domain/errors.js';
import { loadPartnerRegistry } from '../../shared/partners/registry-file.js';

const settings = (values: Record<string, unknown>) => (key: string) => values[key];

describe('-c partnersFile', () => {
  test('names the registry to deploy; absent, config/partners.json is read', () => {
    assert.equal(stageConfigFrom(settings({})).partnersFile, undefined);
    assert.equal(
      stageConfigFrom(settings({ partnersFile: ' partners-1000.json ' })).partnersFile,
      'partners-1000.json',
    );
    // The shipped registry's first partner, as config/partners.json lists it.
    assert.equal(loadPartnerRegistry()[0]?.name, 'all-news-wire');
  });

  test('a value that is not a path is listed with the other problems', () => {
    assert.throws(
      () => stageConfigFrom(settings({ partnersFile: '', stage: 'Prod' })),
      (error: unknown) =>
        error instanceof ConfigurationError &&
        /stage 'Prod'/.test(error.message) &&
        /partnersFile must be the path of a JSON file, not ''/.test(error.message),
    );
  });
});

describe('generated partner registries', () => {
  test('1,000 generated partners form a valid registry with every delivery type and both payloads', () => {
    const directory = mkdtempSync(join(tmpdir(), 'partners-'));
    try {
      const file = join(directory, 'partners.json');
      writeFileSync(file, JSON.stringify(generatedRegistry(1000)));
      const partners = loadPartnerRegistry(file);
      assert.equal(partners.length, 1000);
      const kinds = new Set(
        partners.map(({ delivery }) =>
          delivery.type === 'sqs' ? (delivery.queueArn ? 'sqs-theirs' : 'sqs-ours') : delivery.type,
        ),
      );
      assert.deepEqual([...kinds].sort(), ['email', 'https', 'lambda', 'sqs-ours', 'sqs-theirs']);
      assert.deepEqual([...new Set(partners.map((partner) => partner.payload))].sort(), ['full', 'summary']);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  test('the same count gives the same registry, and a longer one only adds partners at the end', () => {
    const fifty = generatedRegistry(50).partners;
    const sixty = generatedRegistry(60).partners;
    assert.deepEqual(sixty.slice(0, 50), fifty);
    assert.equal(fifty[0]?.name, 'partner-0001');
    assert.equal(sixty[59]?.name, 'partner-0060');
  });
});
