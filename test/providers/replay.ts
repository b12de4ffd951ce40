// Test helper: re-frames the recorded `*.chunks.txt` fixtures as the SSE bytes the provider sent,
// and replays them through the real SSE parser and a provider's decoder.

import { readFileSync } from 'node:fs';
import type { CanonicalStreamPart } from '../../src/protocols/canonical.ts';
import { parseSse } from '../../src/providers/sse.ts';
import { decodeEvents, type StreamDecoder } from '../../src/providers/stream-driver.ts';

const fixtureDirectory = new URL('../fixtures/providers/', import.meta.url);

export function readFixture(name: string): string {
  return readFileSync(new URL(name, fixtureDirectory), 'utf8');
}

export function readJsonFixture(name: string): unknown {
  return JSON.parse(readFixture(name));
}

export type Framing = 'openai' | 'anthropic' | 'gemini';

/**
 * OpenAI ends with `data: [DONE]`; Anthropic names every event after its payload's `type`;
 * Gemini (alt=sse) sends bare data events separated by CRLF.
 */
export function frameAsSse(chunksFile: string, framing: Framing): string {
  const payloads = readFixture(chunksFile).split('\n').filter((line) => line.trim() !== '');
  switch (framing) {
    case 'openai':
      return payloads.map((payload) => `data: ${payload}\n\n`).join('') + 'data: [DONE]\n\n';
    case 'anthropic':
      return payloads.map((payload) => `event: ${(JSON.parse(payload) as { type: string }).type}\ndata: ${payload}\n\n`).join('');
    case 'gemini':
      return payloads.map((payload) => `data: ${payload}\r\n\r\n`).join('');
  }
}

/** Splits bytes into chunks of the given size, as a slow network would deliver them. */
export async function* chunked(text: string, chunkBytes: number): AsyncGenerator<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  for (let start = 0; start < bytes.length; start += chunkBytes) yield bytes.subarray(start, start + chunkBytes);
}

export async function replay(sse: string, decoder: StreamDecoder, chunkBytes = 7): Promise<CanonicalStreamPart[]> {
  const parts: CanonicalStreamPart[] = [];
  for await (const part of decodeEvents(parseSse(chunked(sse, chunkBytes)), decoder)) parts.push(part);
  return parts;
}

export function textOf(parts: readonly CanonicalStreamPart[]): string {
  return parts.map((part) => (part.type === 'text-delta' ? part.text : '')).join('');
}

export function reasoningOf(parts: readonly CanonicalStreamPart[]): string {
  return parts.map((part) => (part.type === 'reasoning-delta' ? part.text : '')).join('');
}

export function partTypes(parts: readonly CanonicalStreamPart[]): string[] {
  return parts.filter((part) => part.type !== 'text-delta' && part.type !== 'reasoning-delta').map((part) => part.type);
}

export function toolArguments(parts: readonly CanonicalStreamPart[], index: number): string {
  return parts.map((part) => (part.type === 'tool-call-delta' && part.index === index ? part.argumentsDelta : '')).join('');
}
