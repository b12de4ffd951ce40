// The pure pieces behind the media routes: reading and editing a multipart form without touching
// the upload's bytes, and reading a WAV recording's length from its header.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseTranscriptionUpload } from '../../src/protocols/media-schema.ts';
import { formText, parseMultipartForm, withFormText } from '../../src/protocols/multipart-form.ts';
import { TranslationError } from '../../src/protocols/translation-error.ts';
import { wavDurationSeconds } from '../../src/protocols/wav-duration.ts';

const CONTENT_TYPE = 'multipart/form-data; boundary=----lumen';
const AUDIO = Buffer.from([0, 1, 2, 255, 13, 10, 45, 45]);

function form(fields: Record<string, string>, file?: Buffer): Buffer {
  const pieces: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    pieces.push(Buffer.from(`------lumen\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  if (file !== undefined) {
    pieces.push(Buffer.from('------lumen\r\ncontent-disposition: form-data; name="file"; filename="a.wav"\r\ncontent-type: audio/wav\r\n\r\n'), file,
      Buffer.from('\r\n'));
  }
  pieces.push(Buffer.from('------lumen--\r\n'));
  return Buffer.concat(pieces);
}

test('given a transcription form, when parsed, then the model and the exact file bytes come back', () => {
  const upload = parseTranscriptionUpload(form({ model: 'whisper-alias', language: 'en' }, AUDIO), CONTENT_TYPE);
  assert.is(upload.model, 'whisper-alias');
  assert.equal([...upload.audio], [...AUDIO]);
});

test('given a form, when the model field is replaced, then only that value changes and the file is byte-identical', () => {
  const original = form({ model: 'whisper-alias', response_format: 'json' }, AUDIO);
  const edited = withFormText(original, CONTENT_TYPE, 'model', 'whisper-1');
  const parts = parseMultipartForm(edited, CONTENT_TYPE);
  assert.equal([formText(edited, parts, 'model'), formText(edited, parts, 'response_format')], ['whisper-1', 'json']);
  assert.equal(edited, Buffer.concat([original.subarray(0, original.indexOf('whisper-alias')), Buffer.from('whisper-1'),
    original.subarray(original.indexOf('whisper-alias') + 'whisper-alias'.length)]));
  assert.equal(withFormText(original, CONTENT_TYPE, 'missing', 'x'), original);
});

test('given a form without a model or a file, or a body that is not multipart, when parsed, then a 400 names the problem', () => {
  const problems = [
    () => parseTranscriptionUpload(form({}, AUDIO), CONTENT_TYPE),
    () => parseTranscriptionUpload(form({ model: 'm' }), CONTENT_TYPE),
    () => parseTranscriptionUpload(form({ model: 'm' }, AUDIO), 'application/json'),
  ];
  const params = problems.map((problem) => {
    try {
      problem();
    } catch (error) {
      if (error instanceof TranslationError) return [error.status, error.param];
    }
    return 'no TranslationError';
  });
  assert.equal(params, [[400, 'model'], [400, 'file'], [400, undefined]]);
});

test('given WAV headers, when measured, then the length is data bytes over the byte rate; other bytes give undefined', () => {
  const wav = (byteRate: number, dataBytes: number, extraChunk = Buffer.alloc(0)) => {
    const header = Buffer.alloc(36);
    header.write('RIFFxxxxWAVEfmt ', 0, 'latin1');
    header.writeUInt32LE(16, 16);
    header.writeUInt32LE(byteRate, 28);
    const data = Buffer.alloc(8);
    data.write('data', 0, 'latin1');
    data.writeUInt32LE(dataBytes, 4);
    return Buffer.concat([header, extraChunk, data, Buffer.alloc(dataBytes)]);
  };
  const list = Buffer.concat([Buffer.from('LIST', 'latin1'), Buffer.from([3, 0, 0, 0]), Buffer.from('abc\0', 'latin1')]);
  assert.is(wavDurationSeconds(wav(32_000, 64_000)), 2);
  assert.is(wavDurationSeconds(wav(8_000, 12_000, list)), 1.5);
  assert.is(wavDurationSeconds(wav(0, 100)), undefined);
  assert.is(wavDurationSeconds(Buffer.from('ID3 not a wav file')), undefined);
});

test.run();
