import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';

/**
 * The link signing key: a Secrets Manager secret the stack generates, read through Parameter Store's
 * documented reference path (`/aws/reference/secretsmanager/<secret>`, GetParameter with decryption),
 * so the function needs no Secrets Manager client of its own. Read once per process: the key only
 * changes when an operator rotates it, and every cold start pays one read ($0.05 per 10,000).
 */
export function secretSigningKey(ssm: SSMClient, secretName: string): () => Promise<Uint8Array> {
  let key: Promise<Uint8Array> | undefined;
  return () => {
    key ??= ssm
      .send(
        new GetParameterCommand({
          Name: `/aws/reference/secretsmanager/${secretName}`,
          WithDecryption: true,
        }),
      )
      .then((answer) => {
        const value = answer.Parameter?.Value;
        if (!value) throw new Error(`the link signing secret ${secretName} has no value`);
        return Buffer.from(value, 'utf8');
      })
      .catch((error: unknown) => {
        key = undefined; // the next request tries again
        throw error;
      });
    return key;
  };
}
