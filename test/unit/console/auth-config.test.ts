/**
 * What the console page makes of `/config.json`: the deployed site's settings turn the sign-in on;
 * anything else (the local console answers every unknown path with its page) leaves it off; a
 * config that would send tokens over plain HTTP to another host is refused.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { authConfigFrom } from '../../../console/auth.js';

const DEPLOYED = {
  region: 'eu-west-1',
  cognitoDomainUrl: 'https://syndication-prod-123456789012.auth.eu-west-1.amazoncognito.com',
  clientId: '1example23456789example0ab',
  redirectUri: 'https://d111111abcdef8.cloudfront.net/',
  apiBase: '/api',
};

describe('console sign-in settings (config.json)', () => {
  test('the deployed settings turn the sign-in on', () => {
    assert.deepEqual(authConfigFrom(DEPLOYED), {
      cognitoDomainUrl: 'https://syndication-prod-123456789012.auth.eu-west-1.amazoncognito.com',
      clientId: '1example23456789example0ab',
      redirectUri: 'https://d111111abcdef8.cloudfront.net/',
    });
  });

  test('a trailing slash on the Cognito domain is dropped (endpoints are joined to it)', () => {
    assert.equal(
      authConfigFrom({ ...DEPLOYED, cognitoDomainUrl: `${DEPLOYED.cognitoDomainUrl}/` })?.cognitoDomainUrl,
      DEPLOYED.cognitoDomainUrl,
    );
  });

  test('anything without the three settings leaves the sign-in off', () => {
    for (const body of [undefined, null, 'text', [], {}, { clientId: 'x' }, { ...DEPLOYED, clientId: 7 }])
      assert.equal(authConfigFrom(body), undefined, JSON.stringify(body));
  });

  test('plain HTTP is refused except on a loopback host', () => {
    assert.throws(
      () => authConfigFrom({ ...DEPLOYED, cognitoDomainUrl: 'http://login.example.com' }),
      /cognitoDomainUrl must be an https URL/,
    );
    assert.throws(
      () => authConfigFrom({ ...DEPLOYED, redirectUri: 'http://d111111abcdef8.cloudfront.net/' }),
      /redirectUri must be an https URL/,
    );
    assert.throws(() => authConfigFrom({ ...DEPLOYED, redirectUri: 'not a url' }), /redirectUri/);
    assert.equal(
      authConfigFrom({ ...DEPLOYED, cognitoDomainUrl: 'http://127.0.0.1:4567' })?.cognitoDomainUrl,
      'http://127.0.0.1:4567',
    );
  });
});
