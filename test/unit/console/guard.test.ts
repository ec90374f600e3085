import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  confirmationFor,
  isConfirmed,
  isLoopbackHost,
  isOwnOrigin,
  refusal,
} from '../../../local/console/guard.js';

describe('console guard: loopback Host and Origin (DNS rebinding)', () => {
  test('accepts the loopback names with this port', () => {
    for (const host of ['127.0.0.1:8731', 'localhost:8731', 'LOCALHOST:8731', '[::1]:8731'])
      assert.equal(isLoopbackHost(host, 8731), true, host);
  });

  test('refuses other names, other ports, and no Host at all', () => {
    for (const host of [
      'attacker.example:8731',
      '127.0.0.1.attacker.example:8731',
      '127.0.0.2:8731',
      '127.0.0.1:8732',
      '127.0.0.1',
      '0.0.0.0:8731',
      '',
      undefined,
    ])
      assert.equal(isLoopbackHost(host, 8731), false, String(host));
  });

  test('a Host without a port means port 80, as browsers send it', () => {
    assert.equal(isLoopbackHost('localhost', 80), true);
    assert.equal(isLoopbackHost('localhost', 8080), false);
  });

  test('an Origin must be http on a loopback name with this port', () => {
    assert.equal(isOwnOrigin('http://127.0.0.1:8731', 8731), true);
    assert.equal(isOwnOrigin('http://localhost:8731', 8731), true);
    for (const origin of [
      'null',
      'https://127.0.0.1:8731',
      'http://attacker.example:8731',
      'http://127.0.0.1:9999',
      'file://',
    ])
      assert.equal(isOwnOrigin(origin, 8731), false, origin);
  });

  test('GETs need no token; POSTs need exactly the token', () => {
    const ok = { host: '127.0.0.1:8731' };
    assert.equal(refusal({ method: 'GET', ...ok }, 8731, 'secret-token'), undefined);
    assert.equal(refusal({ method: 'POST', ...ok, token: 'secret-token' }, 8731, 'secret-token'), undefined);
    assert.match(refusal({ method: 'POST', ...ok }, 8731, 'secret-token') ?? '', /console token/);
    assert.match(
      refusal({ method: 'POST', ...ok, token: 'secret-tokeN' }, 8731, 'secret-token') ?? '',
      /console token/,
    );
    assert.match(
      refusal({ method: 'POST', ...ok, token: 'secret' }, 8731, 'secret-token') ?? '',
      /console token/,
    );
  });

  test('a rebound name or a foreign Origin is refused even with the token', () => {
    assert.match(
      refusal({ method: 'GET', host: 'attacker.example:8731' }, 8731, 't') ?? '',
      /only requests addressed to 127\.0\.0\.1:8731/,
    );
    assert.match(
      refusal(
        { method: 'POST', host: '127.0.0.1:8731', origin: 'http://attacker.example', token: 't' },
        8731,
        't',
      ) ?? '',
      /other origins/,
    );
  });
});

describe('console guard: confirmations', () => {
  test('a confirmation confirms the same action, whatever the order of its fields', () => {
    const confirmation = confirmationFor('k', { action: 'replay', uri: 'urn:x', partner: 'p' });
    assert.equal(isConfirmed('k', { partner: 'p', uri: 'urn:x', action: 'replay' }, confirmation), true);
  });

  test('and no other action, nor under another start secret', () => {
    const confirmation = confirmationFor('k', { action: 'redrive', queue: 'a-dlq' });
    assert.equal(isConfirmed('k', { action: 'redrive', queue: 'b-dlq' }, confirmation), false);
    assert.equal(isConfirmed('other', { action: 'redrive', queue: 'a-dlq' }, confirmation), false);
    assert.equal(isConfirmed('k', { action: 'redrive', queue: 'a-dlq' }, ''), false);
  });
});
