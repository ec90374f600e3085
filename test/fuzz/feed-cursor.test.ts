/**
 * The feed cursor under arbitrary interleavings: writers whose write lands up to 30 s (the writer
 * functions' timeout) after the time they stamped, and a partner polling with `since` at arbitrary
 * times with arbitrary page sizes. Whatever the order, the partner's reads, joined, hold every
 * article once, in stamp order.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  InMemoryArticleIndex,
  InMemoryObjectStore,
  InMemoryQuarantine,
} from '../../shared/adapters/memory/in-memory.js';
import type { ApiResponse } from '../../shared/content-api/http.js';
import { InMemoryApiKeyStore } from '../../shared/feeds/api-keys.js';
import { feedRoute } from '../../shared/feeds/route.js';
import { parsePartnerRegistry } from '../../shared/partners/registry.js';
import { ingestObject } from '../../shared/usecases/ingest-object.js';
import { runProperty } from './run-property.js';

const START = Date.parse('2026-12-01T09:00:00.000Z');
/** Longest a writer takes between stamping and storing: the normalise and release functions' timeout. */
const WRITER_BOUND_MS = 30_000;
const SETTLE_MS = 60_000;

type Step =
  | { readonly kind: 'write'; readonly at: number; readonly stamp: number; readonly article: number }
  | { readonly kind: 'read'; readonly at: number; readonly pageSize: number };

const scenario = fc
  .record({
    writes: fc.array(
      fc.record({
        gap: fc.integer({ min: 0, max: 20_000 }),
        delay: fc.integer({ min: 0, max: WRITER_BOUND_MS - 1 }),
      }),
      {
        minLength: 1,
        maxLength: 10,
      },
    ),
    reads: fc.array(
      fc.record({ at: fc.integer({ min: 0, max: 300_000 }), pageSize: fc.integer({ min: 1, max: 4 }) }),
      {
        maxLength: 8,
      },
    ),
  })
  .map(({ writes, reads }) => {
    let stamp = START;
    const steps: Step[] = writes.map(({ gap, delay }, article) => {
      stamp += gap;
      return { kind: 'write', at: stamp + delay, stamp, article };
    });
    for (const read of reads) steps.push({ kind: 'read', at: START + read.at, pageSize: read.pageSize });
    // In the order things happen; a read at the same moment as a store comes after it.
    return steps.sort((a, b) => a.at - b.at || (a.kind === 'write' ? -1 : 1));
  });

const body = (response: ApiResponse) => JSON.parse(String(response.body));

describe('feed cursor', () => {
  test('late writes within the writer bound are never skipped nor repeated by a since reader', async (t) => {
    await runProperty(
      t,
      fc.asyncProperty(scenario, async (steps) => {
        let clock = START;
        const index = new InMemoryArticleIndex(() => clock);
        const objects = new InMemoryObjectStore();
        const deps = { objects, index, quarantine: new InMemoryQuarantine(), now: () => new Date(clock) };
        const partners = parsePartnerRegistry({
          partners: [{ name: 'all-news-wire', delivery: { type: 'sqs' }, filters: {} }],
        });
        const stamps = new Map<string, number>();
        let cursor = '2026-12-01T08:00:00Z';
        const seen: string[] = [];
        const poll = async (pageSize: number) => {
          const route = feedRoute({
            index,
            keys: new InMemoryApiKeyStore(),
            partners,
            now: () => clock,
            settleMs: SETTLE_MS,
            pageSize,
            trustCaller: true,
          });
          for (;;) {
            const feed = body(
              await route({
                method: 'GET',
                path: '/feeds/all-news-wire.json',
                query: { since: cursor },
                headers: {},
                baseUrl: 'https://api.example.com',
              }),
            );
            seen.push(...feed.items.map((item: { id: string }) => item.id));
            cursor = feed._syndicate.cursor ?? cursor;
            if (!feed.next_url) return;
          }
        };
        for (const step of steps) {
          if (step.kind === 'write') {
            // The writer stamps at `stamp` and its write is stored now, at `at`.
            clock = step.stamp;
            const key = `wire/a${step.article}.json`;
            objects.put('ingest', {
              key,
              bytes: Buffer.from(
                JSON.stringify({
                  headlines: [{ role: 'main', value: `Article ${step.article}` }],
                  language: 'en',
                  bodies: [{ role: 'main', value: `The text of article ${step.article}, in a sentence.` }],
                }),
              ),
            });
            await ingestObject(deps, { bucket: 'ingest', key });
            stamps.set(`urn:syndicate:${key}`, step.stamp);
          } else {
            clock = step.at;
            await poll(step.pageSize);
          }
        }
        clock = steps.at(-1)?.at ?? START;
        clock += SETTLE_MS + 1000;
        await poll(3);
        assert.equal(new Set(seen).size, seen.length, `no article twice: ${seen.join(' ')}`);
        assert.deepEqual([...seen].sort(), [...stamps.keys()].sort(), 'every article once');
        const order = seen.map((uri) => stamps.get(uri) as number);
        assert.deepEqual(
          order,
          [...order].sort((a, b) => a - b),
          'in stamp order',
        );
      }),
      60,
    );
  });
});
