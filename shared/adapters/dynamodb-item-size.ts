/**
 * The size of a DynamoDB item as DynamoDB counts it against its 400 KB item limit (Developer Guide,
 * "Item sizes and formats"): the UTF-8 bytes of every attribute name plus the size of each value —
 * strings their UTF-8 bytes, binaries their bytes, numbers about one byte per two significant digits
 * plus one, booleans and nulls one byte, sets the sum of their elements, lists and maps 3 bytes plus
 * one byte per element plus their elements (and a map's names). Where DynamoDB only says "about",
 * this errs on the large side, so an item this accepts DynamoDB accepts too.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/** DynamoDB's maximum item size: 400 KB, which DynamoDB counts as 409,600 bytes. */
export const DYNAMODB_MAX_ITEM_BYTES = 400 * 1024;

const utf8 = (text: string) => Buffer.byteLength(text, 'utf8');

/** Significant digits of a DynamoDB number (leading and trailing zeros are not stored). */
function numberSize(value: string): number {
  const unsigned = value.replace(/^[-+]/, '');
  const exponent = unsigned.search(/[eE]/);
  const mantissa = (exponent >= 0 ? unsigned.slice(0, exponent) : unsigned).replace('.', '');
  // Trimmed by hand: /0+$/ backtracks quadratically on a long run of zeros followed by another digit.
  let start = 0;
  let end = mantissa.length;
  while (start < end && mantissa[start] === '0') start++;
  while (end > start && mantissa[end - 1] === '0') end--;
  const digits = mantissa.slice(start, end);
  // One extra byte for the sign and exponent DynamoDB also keeps: an upper bound.
  return Math.ceil(Math.max(digits.length, 1) / 2) + 2;
}

function binarySize(value: Uint8Array | string): number {
  // Stream images carry binaries base64-encoded; the SDK hands them over as bytes.
  return typeof value === 'string' ? Buffer.from(value, 'base64').length : value.byteLength;
}

export function attributeValueSize(value: AttributeValue): number {
  if (value.S !== undefined) return utf8(value.S);
  if (value.N !== undefined) return numberSize(value.N);
  if (value.B !== undefined) return binarySize(value.B);
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.SS !== undefined) return value.SS.reduce((sum, item) => sum + utf8(item), 0);
  if (value.NS !== undefined) return value.NS.reduce((sum, item) => sum + numberSize(item), 0);
  if (value.BS !== undefined) return value.BS.reduce((sum, item) => sum + binarySize(item), 0);
  if (value.L !== undefined) return 3 + value.L.reduce((sum, item) => sum + 1 + attributeValueSize(item), 0);
  if (value.M !== undefined)
    return (
      3 +
      Object.entries(value.M).reduce(
        (sum, [name, item]) => sum + 1 + utf8(name) + attributeValueSize(item),
        0,
      )
    );
  throw new TypeError(`not a DynamoDB attribute value: ${Object.keys(value).join(', ')}`);
}

/** Bytes an item counts against DynamoDB's item size limit. */
export function dynamoDbItemSize(item: Readonly<Record<string, AttributeValue>>): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) size += utf8(name) + attributeValueSize(value);
  return size;
}
