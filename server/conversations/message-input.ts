import { Limits } from '../../protocol/index.ts';
import { badUserInput } from '../errors.ts';

export const MAX_MESSAGE_LENGTH = Limits.messageBodyLength;
export const MAX_CLIENT_MESSAGE_ID_LENGTH = Limits.clientMessageIdLength;

// Tab, line feed and carriage return are part of ordinary text; other C0/C1 controls are not,
// and NUL cannot be stored in a Postgres text column at all.
const FORBIDDEN_IN_BODY = /(?![\t\n\r])\p{Cc}/u;

/** Validates a message body: non-blank, at most {@link MAX_MESSAGE_LENGTH} characters. */
export function parseMessageBody(body: string, field: string): string {
  if ([...body].length > MAX_MESSAGE_LENGTH) {
    throw badUserInput(field, `Message is longer than ${MAX_MESSAGE_LENGTH} characters.`);
  }
  if (FORBIDDEN_IN_BODY.test(body)) {
    throw badUserInput(field, 'Message contains control characters.');
  }
  if (isBlank(body)) throw badUserInput(field, 'Message is empty.');
  return body;
}

/** Validates the idempotency key a client attaches to a message it sends. */
export function parseClientMessageId(id: string, field: string): string {
  const length = [...id].length;
  if (length === 0 || length > MAX_CLIENT_MESSAGE_ID_LENGTH || /[\p{Cc}\s]/u.test(id)) {
    throw badUserInput(
      field,
      `clientMessageId must be 1 to ${MAX_CLIENT_MESSAGE_ID_LENGTH} characters without spaces or control characters.`,
    );
  }
  return id;
}

/** Blank: nothing but white space and invisible format characters such as zero-width spaces. */
function isBlank(text: string): boolean {
  return text.replace(/[\p{White_Space}\p{Cf}]/gu, '').length === 0;
}
