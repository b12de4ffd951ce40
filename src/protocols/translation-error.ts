// A request that cannot be translated faithfully is an operating error, not a crash: the HTTP
// layer renders it as a 400 in the client's protocol, naming the field at fault.

import type { z } from 'zod';

export type TranslationErrorCode =
  | 'unsupported_hosted_tool'
  | 'unsupported_parameter'
  | 'unsupported_content'
  | 'invalid_request';

export class TranslationError extends Error {
  readonly status = 400;
  readonly type = 'invalid_request_error';
  readonly code: TranslationErrorCode;
  /** The request field at fault, in the client's own naming (`tools[2]`, `n`). */
  readonly param: string | undefined;

  constructor(code: TranslationErrorCode, message: string, param?: string) {
    super(message);
    this.name = 'TranslationError';
    this.code = code;
    this.param = param;
  }
}

/** zod's first issue as a TranslationError, naming the field the way the client wrote it. */
export function schemaError(error: z.ZodError): TranslationError {
  const issue = error.issues[0];
  const param = issue?.path.map((segment) => (typeof segment === 'number' ? `[${segment}]` : `.${String(segment)}`)).join('').replace(/^\./, '');
  return new TranslationError('invalid_request', issue ? `${param || 'body'}: ${issue.message}` : 'invalid request body', param || undefined);
}
