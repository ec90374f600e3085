/**
 * Reading an SQS message body as S3 sends it (one parser, used by normalise and by the local
 * runtime's report of what it processed). Bodies are written literally in the shapes AWS documents.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseS3Notifications } from '../../../shared/adapters/s3-notifications.js';
import { isPermanent, UnreadableNotificationError } from '../../../shared/domain/errors.js';

const record = (eventName: string, key: string, sequencer: string) =>
  `{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1","eventTime":"2026-12-07T12:00:00.000Z",
"eventName":"${eventName}","userIdentity":{"principalId":"AWS:AIDAJDPLRKLG7UEXAMPLE"},
"requestParameters":{"sourceIPAddress":"127.0.0.1"},"responseElements":{"x-amz-request-id":"C3D13FE58DE4C810","x-amz-id-2":"FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD"},
"s3":{"s3SchemaVersion":"1.0","configurationId":"ingest","bucket":{"name":"syndicate-ingest","ownerIdentity":{"principalId":"A3NL1KOZZKExample"},"arn":"arn:aws:s3:::syndicate-ingest"},
"object":{"key":"${key}","sequencer":"${sequencer}"}}}`;

describe('S3 event notifications through SQS', () => {
  test('created and removed objects, keys decoded as S3 encodes them (+ for a space)', () => {
    const body = `{"Records":[${record('ObjectCreated:Put', 'reuters/Market+report%C3%A9+%2B1.txt', '0055AED6DCD90281E5')},${record('ObjectRemoved:DeleteMarkerCreated', 'wire/a%2Fb.txt', '0055AED6DCD90281E6')},${record('ObjectRestore:Completed', 'wire/c.txt', '0055AED6DCD90281E7')}]}`;
    assert.deepEqual(parseS3Notifications(body), {
      kind: 'records',
      notifications: [
        {
          kind: 'created',
          bucket: 'syndicate-ingest',
          key: 'reuters/Market reporté +1.txt',
          sequencer: '0055AED6DCD90281E5',
          eventTime: '2026-12-07T12:00:00.000Z',
        },
        {
          kind: 'removed',
          bucket: 'syndicate-ingest',
          key: 'wire/a/b.txt',
          sequencer: '0055AED6DCD90281E6',
          eventTime: '2026-12-07T12:00:00.000Z',
        },
      ],
    });
  });

  test("the record's eventTime (when S3 stored the object) is kept as S3 wrote it; a bad one is dropped", () => {
    // AWS's documented event message structure 2.1, with the epoch as its eventTime.
    const body = `{"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-west-2",
"eventTime":"1970-01-01T00:00:00.000Z","eventName":"ObjectCreated:Put",
"userIdentity":{"principalId":"AWS:AIDAJDPLRKLG7UEXAMPLE"},"requestParameters":{"sourceIPAddress":"127.0.0.1"},
"responseElements":{"x-amz-request-id":"C3D13FE58DE4C810","x-amz-id-2":"FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD"},
"s3":{"s3SchemaVersion":"1.0","configurationId":"testConfigRule","bucket":{"name":"mybucket","ownerIdentity":{"principalId":"A3NL1KOZZKExample"},"arn":"arn:aws:s3:::mybucket"},
"object":{"key":"HappyFace.jpg","size":1024,"eTag":"d41d8cd98f00b204e9800998ecf8427e","versionId":"096fKKXTRTtl3on89fVO.nfljtsv6qko","sequencer":"0055AED6DCD90281E5"}}}]}`;
    const parsed = parseS3Notifications(body);
    assert.equal(
      parsed.kind === 'records' ? parsed.notifications[0]?.eventTime : undefined,
      '1970-01-01T00:00:00.000Z',
    );

    // Not a time, a time in another format (Date.parse reads it), a time that does not exist.
    for (const time of ['yesterday', 'Tue, 08 Dec 2026 00:00:00 GMT', '2026-13-45T99:00:00.000Z']) {
      assert.deepEqual(
        parseS3Notifications(body.replace('1970-01-01T00:00:00.000Z', time)),
        {
          kind: 'records',
          notifications: [
            {
              kind: 'created',
              bucket: 'mybucket',
              key: 'HappyFace.jpg',
              sequencer: '0055AED6DCD90281E5',
              sizeBytes: 1024,
            },
          ],
        },
        time,
      );
    }
  });

  test("S3's one-off test event is told apart", () => {
    const body = `{"Service":"Amazon S3","Event":"s3:TestEvent","Time":"2026-12-07T11:59:00.000Z","Bucket":"syndicate-ingest","RequestId":"5582815E1AEA5ADF","HostId":"8cLeGAmw098X5cv4Zkwcmo8vvZa3eH3eKxsPzbB9wrR+YstdA6Knx4Ip8EXAMPLE"}`;
    assert.deepEqual(parseS3Notifications(body), { kind: 'test-event' });
  });

  test('a body that is not JSON, not an S3 event, or has a key that is not URL encoding is refused for good', () => {
    for (const body of ['not json', '{"Records":[{"eventName":"ObjectCreated:Put"}]}', '{"Message":"x"}']) {
      const error = (() => {
        try {
          parseS3Notifications(body);
        } catch (caught) {
          return caught;
        }
        return undefined;
      })();
      assert.ok(error instanceof UnreadableNotificationError, body);
      assert.equal(isPermanent(error), true, 'no retry can change what the message says');
    }
    assert.throws(
      () => parseS3Notifications(`{"Records":[${record('ObjectCreated:Put', 'wire/%E0%A4%A.txt', '01')}]}`),
      /object key is not valid URL encoding: wire\/%E0%A4%A\.txt/,
    );
  });
});
