/**
 * The content API's carrier in AWS: an API Gateway HTTP API (payload format 2.0, the same shape a
 * Lambda function URL sends) turned into an `ApiRequest`, and an `ApiResponse` into the Lambda result.
 * Types only from `aws-lambda`: no SDK.
 */
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyEventV2WithIAMAuthorizer,
  APIGatewayProxyStructuredResultV2,
} from 'aws-lambda';
import type { ApiRequest, ApiResponse } from './http.js';

/**
 * Routes authorised with IAM (SigV4) are the same routes under this prefix: HTTP APIs authorise per
 * route, and partners with an API key must not need AWS credentials for the same feed.
 */
export const IAM_ROUTE_PREFIX = '/aws';

export type ContentApiEvent = APIGatewayProxyEventV2 | APIGatewayProxyEventV2WithIAMAuthorizer;

function iamCallerOf(event: ContentApiEvent): ApiRequest['iamCaller'] {
  const iam = (event.requestContext as Partial<APIGatewayProxyEventV2WithIAMAuthorizer['requestContext']>)
    .authorizer?.iam;
  return iam?.accountId && iam.userArn ? { accountId: iam.accountId, arn: iam.userArn } : undefined;
}

export function apiRequestOf(event: ContentApiEvent): ApiRequest {
  const iamCaller = iamCallerOf(event);
  let path = event.rawPath || '/';
  // Only a request API Gateway authenticated may use the IAM routes' paths as the plain ones.
  if (iamCaller && (path === IAM_ROUTE_PREFIX || path.startsWith(`${IAM_ROUTE_PREFIX}/`))) {
    path = path.slice(IAM_ROUTE_PREFIX.length) || '/';
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value !== undefined) headers[name.toLowerCase()] = value;
  }
  return {
    method: event.requestContext.http.method,
    path,
    query: { ...(event.queryStringParameters ?? {}) },
    headers,
    baseUrl: `https://${event.requestContext.domainName}`,
    ...(iamCaller ? { iamCaller } : {}),
  };
}

/** Text bodies go as they are; bytes that are not UTF-8 text go base64-encoded, as API Gateway requires. */
export function lambdaResultOf(response: ApiResponse): APIGatewayProxyStructuredResultV2 {
  const { body } = response;
  if (typeof body === 'string') {
    return { statusCode: response.status, headers: { ...response.headers }, body, isBase64Encoded: false };
  }
  const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const text = bytes.toString('utf8');
  const isText = Buffer.byteLength(text) === bytes.length && !text.includes('\uFFFD');
  return {
    statusCode: response.status,
    headers: { ...response.headers },
    body: isText ? text : bytes.toString('base64'),
    isBase64Encoded: !isText,
  };
}

/** The Lambda handler of a content API: carrier event in, carrier result out. */
export function lambdaHandlerOf(
  api: (request: ApiRequest) => Promise<ApiResponse>,
): (event: ContentApiEvent) => Promise<APIGatewayProxyStructuredResultV2> {
  return async (event) => lambdaResultOf(await api(apiRequestOf(event)));
}
