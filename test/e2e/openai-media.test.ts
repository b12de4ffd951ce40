// The official openai client's image generation and audio transcription against a real Lumen
// process, the simulator upstream: each call is billed per unit from the catalog (image-test:
// $0.04 an image; transcribe-test: $0.0001 an audio second, token prices zero) and recorded.
import OpenAI, { toFile } from 'openai';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';

const IMAGE_PRICE_MICROS = 40_000;
const AUDIO_SECOND_PRICE_MICROS = 100;

let gateway: TestGateway;
let client: OpenAI;
let accountId: string;

test.before(async () => {
  gateway = await startTestGateway();
  const issued = await gateway.newKey({ creditsUsd: 5 });
  accountId = issued.accountId;
  client = new OpenAI({ apiKey: issued.key, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
});
test.after(async () => { await gateway.stop(); });

type Lumen = { lumen: { cost_usd: number; audit_hash: string; model: string } };

/** A silent 16-bit mono PCM WAV of the given length. */
function silentWav(seconds: number, sampleRate = 16_000): Buffer {
  const dataBytes = seconds * sampleRate * 2;
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(36 + dataBytes, 4);
  header.write('WAVEfmt ', 8, 'latin1');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(dataBytes, 40);
  return Buffer.concat([header, Buffer.alloc(dataBytes)]);
}

async function spentMicros(): Promise<number> {
  const account = await gateway.admin<{ spent_usd: number; requests: number }>('GET', `/v1/admin/accounts/${accountId}`);
  return Math.round(account.body.spent_usd * 1_000_000);
}

test('given an image model, when two images are generated, then the cost is two times the per-image price', async () => {
  const before = await spentMicros();
  const response = await client.images.generate({ model: 'image-test', prompt: 'A lighthouse at dusk', n: 2 });
  assert.is(response.data?.length, 2);
  assert.ok(response.data?.every((image) => typeof image.b64_json === 'string'));
  const extras = response as unknown as Lumen;
  assert.is(extras.lumen.model, 'image-test');
  assert.match(extras.lumen.audit_hash, /^[0-9a-f]{64}$/);
  assert.is(Math.round(extras.lumen.cost_usd * 1_000_000), 2 * IMAGE_PRICE_MICROS);
  assert.is(await spentMicros() - before, 2 * IMAGE_PRICE_MICROS);
});

test('given a WAV upload, when transcribed as JSON, then the cost is the reported seconds times the per-second price', async () => {
  const before = await spentMicros();
  const transcription = await client.audio.transcriptions.create({ model: 'transcribe-test', file: await toFile(silentWav(2), 'note.wav') });
  assert.ok(transcription.text.length > 0);
  const usage = (transcription as unknown as { usage: { type: string; seconds: number } }).usage;
  assert.is(usage.type, 'duration');
  const expectedMicros = Math.ceil(usage.seconds) * AUDIO_SECOND_PRICE_MICROS;
  assert.is(Math.round((transcription as unknown as Lumen).lumen.cost_usd * 1_000_000), expectedMicros);
  assert.is(await spentMicros() - before, expectedMicros);
});

test('given a text transcript, which reports no duration, when transcribed, then Lumen bills the WAV header length', async () => {
  const before = await spentMicros();
  const { data, response } = await client.audio.transcriptions
    .create({ model: 'transcribe-test', file: await toFile(silentWav(3), 'note.wav'), response_format: 'text' }).withResponse();
  assert.type(data, 'string');
  assert.match(String(response.headers.get('x-lumen-audit-hash')), /^[0-9a-f]{64}$/);
  assert.is(Math.round(Number(response.headers.get('x-lumen-cost-usd')) * 1_000_000), 3 * AUDIO_SECOND_PRICE_MICROS);
  assert.is(await spentMicros() - before, 3 * AUDIO_SECOND_PRICE_MICROS);
});

test('given a chat model, when asked for images, then the call is refused before reaching a provider', async () => {
  let caught: unknown;
  try {
    await client.images.generate({ model: 'gpt-test', prompt: 'A lighthouse' });
  } catch (error) {
    caught = error;
  }
  assert.instance(caught, OpenAI.APIError);
  assert.equal([(caught as InstanceType<typeof OpenAI.APIError>).status, (caught as InstanceType<typeof OpenAI.APIError>).code], [400, 'model_capability']);
});

test.run();
