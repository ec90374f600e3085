import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { latencyOverTime, percentile } from '../../../shared/console/metrics.js';

describe('delivery latency percentiles', () => {
  test('nearest rank, on the textbook list 15, 20, 35, 40, 50', () => {
    // The worked example of the nearest-rank method: p5 15, p30 20, p40 20, p50 35, p100 50.
    const values = [50, 15, 40, 20, 35];
    assert.equal(percentile(values, 5), 15);
    assert.equal(percentile(values, 30), 20);
    assert.equal(percentile(values, 40), 20);
    assert.equal(percentile(values, 50), 35);
    assert.equal(percentile(values, 100), 50);
  });

  test('p50 and p95 of 1..20 ms are 10 and 19', () => {
    const values = Array.from({ length: 20 }, (_, index) => index + 1);
    assert.equal(percentile(values, 50), 10);
    assert.equal(percentile(values, 95), 19);
  });

  test('no values, no percentile; a percentile outside (0, 100] is an error', () => {
    assert.equal(percentile([], 50), undefined);
    assert.throws(() => percentile([1], 0), /percentile must be in \(0, 100\]/);
    assert.throws(() => percentile([1], 101), RangeError);
  });
});

describe('latency over time', () => {
  test('one-minute buckets, oldest first, each with its count and percentiles', () => {
    const minute = Date.UTC(2026, 11, 7, 10, 0, 0);
    const buckets = latencyOverTime(
      [
        { at: minute + 61_000, latencyMs: 400 },
        { at: minute + 5_000, latencyMs: 100 },
        { at: minute + 59_999, latencyMs: 300 },
        { at: minute + 30_000, latencyMs: 200 },
      ],
      60_000,
    );
    assert.deepEqual(buckets, [
      { start: Date.UTC(2026, 11, 7, 10, 0, 0), deliveries: 3, p50Ms: 200, p95Ms: 300 },
      { start: Date.UTC(2026, 11, 7, 10, 1, 0), deliveries: 1, p50Ms: 400, p95Ms: 400 },
    ]);
  });

  test('a bucket width must be a positive whole number of ms', () => {
    assert.throws(() => latencyOverTime([], 0), /bucket width/);
    assert.throws(() => latencyOverTime([], 1.5), /bucket width/);
  });
});
