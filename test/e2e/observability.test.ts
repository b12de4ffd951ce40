// "observability": true keeps prompt and completion beside the ledger, never inside it; without
// the flag nothing but a digest of the body is kept.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { validateEventPayload } from '../../src/domain/events.ts';
import { openStore } from '../../src/ledger/open-store.ts';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';

let gateway: TestGateway;
let key: string;
test.before(async () => {
  gateway = await startTestGateway();
  ({ key } = await gateway.newKey());
});
test.after(async () => { await gateway.stop(); });

async function chat(body: object) {
  const response = await fetch(`${gateway.url}/v1/chat/completions`, { method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: await response.json() as any };
}

const secretPrompt = 'my very private prompt 4711';

test('given observability on, content is kept beside the ledger, can be read by the operator and deleted; the event holds none of it', async () => {
  const kept = await chat({ model: 'gpt-4o-mini', observability: true, messages: [{ role: 'user', content: secretPrompt }] });
  const plain = await chat({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: secretPrompt }] });
  assert.is(kept.status, 200);
  const requestId = kept.body.lumen.request_id;
  const content = await gateway.admin('GET', `/v1/admin/requests/${requestId}/content`);
  assert.is(content.status, 200);
  assert.is(content.body.request.messages[0].content, secretPrompt);
  assert.not.ok('observability' in content.body.request, 'the flag is Lumen\'s own and is not forwarded');
  assert.is(content.body.response.content[0].text, kept.body.choices[0].message.content);
  assert.is(content.body.audit_hash, kept.body.lumen.audit_hash);
  assert.is((await gateway.admin('GET', `/v1/admin/requests/${plain.body.lumen.request_id}/content`)).status, 404);
  assert.is((await chat({ model: 'gpt-4o-mini', observability: 'yes', messages: [{ role: 'user', content: 'x' }] })).status, 400);

  assert.is((await gateway.admin('DELETE', `/v1/admin/requests/${requestId}/content`)).status, 200);
  assert.is((await gateway.admin('GET', `/v1/admin/requests/${requestId}/content`)).status, 404);

  // The embedded store serves one process at a time (stop the gateway first); PostgreSQL can be
  // read beside the running gateway (and its schema goes when the gateway stops).
  if (gateway.dataDir !== undefined) await gateway.stop();
  const { store } = await openStore({ databaseUrl: process.env.DATABASE_URL || undefined, dataDir: gateway.dataDir,
    schema: gateway.schema, poolSize: 2 }, validateEventPayload);
  try {
    const [keptEvent] = await store.readStream(`request-${requestId}`);
    const [plainEvent] = await store.readStream(`request-${plain.body.lumen.request_id}`);
    assert.is(keptEvent!.data.contentKept, true);
    assert.is(plainEvent!.data.contentKept, false);
    for (const event of [keptEvent!, plainEvent!]) {
      assert.not.ok(JSON.stringify({ data: event.data, metadata: event.metadata }).includes(secretPrompt), "no prompt text in the ledger");
      assert.match(String(event.data.bodySha256), /^[0-9a-f]{64}$/);
    }
  } finally {
    await store.close();
  }
});

test.run();
