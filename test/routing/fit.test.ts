import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { extractFeatures } from '../../src/routing/features.ts';
import { fit } from '../../src/routing/fit.ts';
import { difficulty, predictQuality } from '../../src/routing/model.ts';
import type { HistoryRow } from '../../src/routing/parameters.ts';
import { arithmeticPrompt, chatPrompt } from '../fixtures/routing/synthetic-prompts.ts';

// Two established models: "big" is right on everything, "tiny" fails arithmetic and handles chat.
function establishedHistory(count: number): HistoryRow[] {
  const rows: HistoryRow[] = [];
  for (let index = 0; index < count; index += 1) {
    const math = arithmeticPrompt(index);
    const chat = chatPrompt(index);
    rows.push({ promptText: math, modelId: 'big', score: 1 }, { promptText: math, modelId: 'tiny', score: index % 10 === 0 ? 1 : 0 });
    rows.push({ promptText: chat, modelId: 'big', score: 1 }, { promptText: chat, modelId: 'tiny', score: 1 });
  }
  return rows;
}

const options = { kindCount: 4, version: 'test-v1', residual: { minimumOutcomes: 40, epochs: 4, learningRate: 0.5, l2: 0.007, seed: 3, minimumDocumentFrequency: 2, pruneBelow: 0.01 } };

test('given the same text, when extracting features twice, then they are identical and sorted', () => {
  const first = extractFeatures('What is 12 * 7? Explain, please.');
  const second = extractFeatures('What is 12 * 7? Explain, please.');
  assert.equal(first, second);
  assert.equal([...first.termIndices].sort((left, right) => left - right), first.termIndices);
  assert.ok((first.shape[2] as number) > 0, 'digit share is measured');
});

test('given the same history, when fitting twice, then the parameters serialize to identical bytes', () => {
  const history = establishedHistory(40);
  const first = JSON.stringify(fit(history, options));
  const second = JSON.stringify(fit(history, options));
  assert.is(first, second);
  assert.ok(first.length > 100);
});

test('given a different seed, when fitting, then the output changes (the seed is really used)', () => {
  const history = establishedHistory(40);
  assert.is.not(JSON.stringify(fit(history, { ...options, kindCount: 3, seed: 1 })), JSON.stringify(fit(history, { ...options, kindCount: 3, seed: 99 })));
});

test('given history where tiny fails arithmetic, when predicting unseen prompts, then tiny is low on math and high on chat', () => {
  const parameters = fit(establishedHistory(40), options);
  const unseenMath = extractFeatures(arithmeticPrompt(500));
  const unseenChat = extractFeatures(chatPrompt(500));
  assert.ok(predictQuality(parameters, unseenMath, 'tiny') < 0.4);
  assert.ok(predictQuality(parameters, unseenChat, 'tiny') > 0.8);
  assert.ok(predictQuality(parameters, unseenMath, 'big') > 0.8);
  assert.ok(difficulty(parameters, unseenMath) > difficulty(parameters, unseenChat));
  for (const value of [predictQuality(parameters, unseenMath, 'tiny'), difficulty(parameters, unseenChat)]) {
    assert.ok(value >= 0 && value <= 1);
  }
});

test('given a new model with only six ratings, when predicting, then it already follows its own record per kind', () => {
  // The newcomer is the opposite of tiny: good at arithmetic, poor at chat, rated three times each.
  const newcomer: HistoryRow[] = [0, 1, 2].flatMap((index) => [
    { promptText: arithmeticPrompt(index), modelId: 'newcomer', score: 1 },
    { promptText: chatPrompt(index), modelId: 'newcomer', score: 0.25 },
  ]);
  const before = fit(establishedHistory(40), options);
  const after = fit([...establishedHistory(40), ...newcomer], options);
  const math = extractFeatures(arithmeticPrompt(777));
  const chat = extractFeatures(chatPrompt(777));
  // Before it has ratings the newcomer gets the kind averages over all models.
  const unratedGap = predictQuality(before, math, 'newcomer') - predictQuality(before, chat, 'newcomer');
  const ratedGap = predictQuality(after, math, 'newcomer') - predictQuality(after, chat, 'newcomer');
  assert.ok(unratedGap < 0, 'unrated: arithmetic looks harder, as it is for the average model');
  assert.ok(ratedGap > 0, `rated: arithmetic now predicted better than chat (gap ${ratedGap})`);
  assert.ok(ratedGap - unratedGap > 0.25, `six ratings moved the gap by ${ratedGap - unratedGap}`);
  assert.ok(predictQuality(after, chat, 'newcomer') < predictQuality(before, chat, 'newcomer') - 0.15);
});

test.run();
