import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';

/**
 * The access-log line of the stack's HTTP APIs, one JSON object per request. The path, never the
 * query: a signed link's signature is a bearer credential until it expires. `caller` names who made
 * the request as each API knows it (an IAM principal, a token's subject); `extra` follows the error.
 */
export function httpApiAccessLogFormat(
  caller: Readonly<Record<string, string>>,
  extra: Readonly<Record<string, string>> = {},
): AccessLogFormat {
  return AccessLogFormat.custom(
    JSON.stringify({
      requestId: '$context.requestId',
      time: '$context.requestTime',
      ip: '$context.identity.sourceIp',
      method: '$context.httpMethod',
      route: '$context.routeKey',
      path: '$context.path',
      status: '$context.status',
      bytes: '$context.responseLength',
      latencyMs: '$context.responseLatency',
      ...caller,
      error: '$context.error.message',
      ...extra,
    }),
  );
}
