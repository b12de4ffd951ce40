// Test knobs: how a caller asks the simulator to misbehave. Each knob can come from a request
// header or from a marker inside the model id (for callers, such as Lumen's own clients, that
// cannot set upstream headers). Headers win over model markers. The list is documented at the
// top of index.ts.

export interface SimulatorKnobs {
  // Answer with this HTTP status and the provider's own error body instead of a reply.
  errorStatus: number | undefined;
  // Seconds in the `retry-after` header of a forced 429 (or 503/529).
  retryAfterSeconds: number;
  // Destroy the socket after this many stream events were sent.
  cutAfterEvents: number | undefined;
  // After this many stream events, send the provider's in-band "overloaded" error event and end.
  overloadedAfterEvents: number | undefined;
  // Leave token usage out of streams.
  omitUsage: boolean;
  // Extra delay before the first byte, added to the server's own latency.
  extraLatencyMs: number;
  // Replace the natural reply length with this many tokens (still capped by max tokens).
  forcedOutputTokens: number | undefined;
  // A misbehaving upstream that ignores the request's output limit (OpenAI chat only).
  ignoreMaxTokens: boolean;
}

export type HeaderLookup = (name: string) => string | undefined;

const LIMITS = { cutAfterEventsMax: 1_000_000, latencyMsMax: 600_000, outputTokensMax: 10_000_000 } as const;

function boundedInteger(text: string | undefined, lowest: number, highest: number): number | undefined {
  if (text === undefined || !/^\d+$/.test(text.trim())) return undefined;
  const value = Number.parseInt(text, 10);
  return value >= lowest && value <= highest ? value : undefined;
}

function modelMarker(model: string, pattern: RegExp): string | undefined {
  return pattern.exec(model)?.[1];
}

function isTruthy(text: string | undefined): boolean {
  return text !== undefined && /^(1|true|yes)$/i.test(text.trim());
}

export function parseKnobs(header: HeaderLookup, model: string): SimulatorKnobs {
  const errorStatus = boundedInteger(header('x-sim-status') ?? modelMarker(model, /sim-error-(\d{3})/), 400, 599);
  return {
    errorStatus,
    retryAfterSeconds: boundedInteger(header('x-sim-retry-after'), 0, 3600) ?? 1,
    cutAfterEvents: boundedInteger(
      header('x-sim-cut-after') ?? modelMarker(model, /sim-cut-after-(\d+)/),
      0,
      LIMITS.cutAfterEventsMax,
    ),
    overloadedAfterEvents: boundedInteger(
      header('x-sim-overloaded-after') ?? modelMarker(model, /sim-overloaded-after-(\d+)/),
      0,
      LIMITS.cutAfterEventsMax,
    ),
    omitUsage: isTruthy(header('x-sim-omit-usage')) || model.includes('sim-no-usage'),
    ignoreMaxTokens: isTruthy(header('x-sim-ignore-max-tokens')) || model.includes('sim-ignore-max'),
    extraLatencyMs:
      boundedInteger(header('x-sim-latency-ms') ?? modelMarker(model, /sim-slow-(\d+)/), 0, LIMITS.latencyMsMax) ?? 0,
    forcedOutputTokens: boundedInteger(
      header('x-sim-output-tokens') ?? modelMarker(model, /sim-tokens-(\d+)/),
      1,
      LIMITS.outputTokensMax,
    ),
  };
}
