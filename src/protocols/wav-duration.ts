// The length of a WAV recording, read from its header: what Lumen bills per audio second when a
// provider's answer does not say how long the audio was (response_format "text"). Other formats
// would need a decoder, so they give undefined.

const RIFF_HEADER_BYTES = 12;
const CHUNK_HEADER_BYTES = 8;
/** Stop looking for the data chunk after this many chunks: a header is a handful of them. */
const CHUNKS_MAX = 32;

export function wavDurationSeconds(audio: Buffer): number | undefined {
  if (audio.length < RIFF_HEADER_BYTES || audio.toString('latin1', 0, 4) !== 'RIFF' || audio.toString('latin1', 8, 12) !== 'WAVE') return undefined;
  let byteRate: number | undefined;
  let offset = RIFF_HEADER_BYTES;
  for (let chunk = 0; chunk < CHUNKS_MAX && offset + CHUNK_HEADER_BYTES <= audio.length; chunk += 1) {
    const id = audio.toString('latin1', offset, offset + 4);
    const size = audio.readUInt32LE(offset + 4);
    // fmt: audio format (2), channels (2), sample rate (4), then the byte rate (4).
    if (id === 'fmt ' && offset + CHUNK_HEADER_BYTES + 12 <= audio.length) byteRate = audio.readUInt32LE(offset + CHUNK_HEADER_BYTES + 8);
    if (id === 'data') {
      if (byteRate === undefined || byteRate === 0) return undefined;
      // A streamed WAV may declare a larger data size than it carries: count what is there.
      return Math.min(size, audio.length - offset - CHUNK_HEADER_BYTES) / byteRate;
    }
    offset += CHUNK_HEADER_BYTES + size + (size % 2);
  }
  return undefined;
}
