// Writing server-sent events to clients. Payloads are single-line JSON, so one `data:` line each.

export function sseFrame(payload: unknown, eventName?: string): string {
  const data = `data: ${JSON.stringify(payload)}\n\n`;
  return eventName === undefined ? data : `event: ${eventName}\n${data}`;
}

/** OpenAI's end-of-stream sentinel (Chat Completions and legacy Completions). */
export const OPENAI_DONE_FRAME = 'data: [DONE]\n\n';
