// POST /v1/audio/transcriptions (multipart upload). The transcript is derived from the audio
// bytes; the duration is estimated from the upload size at 16 kB per second (16 kHz, 8-bit), and
// usage is reported as `{type: "duration", seconds}` as the current SDK types describe.
import { hashText } from '../deterministic-random.ts';
import { parseMultipartForm } from '../multipart-form.ts';
import type { EndpointReply, EndpointRequest } from '../protocol.ts';
import { jsonReply, SimulatorRequestError } from '../protocol.ts';
import { naturalReplyTokenCount, simulatedReplyText } from '../reply-text.ts';

const AUDIO_BYTES_PER_SECOND = 16_000;
const SAMPLE_BYTES = 4096;

export function transcriptionsEndpoint(request: EndpointRequest): EndpointReply {
  const parts = parseMultipartForm(request.rawBody, request.contentType);
  const field = (name: string): string | undefined => parts.find((part) => part.name === name)?.data.toString('utf8');
  const file = parts.find((part) => part.name === 'file');
  if (file === undefined) throw new SimulatorRequestError(400, "Missing required parameter: 'file'.", 'file');
  if (field('model') === undefined) throw new SimulatorRequestError(400, "Missing required parameter: 'model'.", 'model');
  // Hashing a sample keeps large uploads cheap while still telling different files apart.
  const seedText = `audio:${file.data.length}:${hashText(file.data.subarray(0, SAMPLE_BYTES).toString('latin1'))}`;
  const text = simulatedReplyText(seedText, naturalReplyTokenCount(seedText), true);
  const durationSeconds = Math.max(1, Math.ceil(file.data.length / AUDIO_BYTES_PER_SECOND));
  const usage = { type: 'duration', seconds: durationSeconds };
  const format = field('response_format') ?? 'json';
  switch (format) {
    case 'text':
      return { kind: 'text', status: 200, text, contentType: 'text/plain; charset=utf-8' };
    case 'verbose_json':
      return jsonReply({ task: 'transcribe', language: 'english', duration: durationSeconds, text, segments: [], usage });
    case 'json':
      return jsonReply({ text, usage });
    default:
      throw new SimulatorRequestError(400, `Unsupported response_format '${format}' in the simulator.`, 'response_format');
  }
}
