import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { extractFeatures } from '../../src/routing/features.ts';
import { fitRouterFromHistory } from '../../src/routing/fit.ts';
import { difficulty, predictQuality } from '../../src/routing/model.ts';
import type { RatedRequest } from '../../src/routing/parameters.ts';
import { arithmeticPrompt, chatPrompt } from '../fixtures/routing/synthetic-prompts.ts';

// Two established models: "big" is right on everything, "tiny" fails arithmetic and handles chat.
function establishedHistory(count: number): RatedRequest[] {
  const rows: RatedRequest[] = [];
  for (let index = 0; index < count; index += 1) {
    const math = arithmeticPrompt(index);
    const chat = chatPrompt(index);
    rows.push({ promptText: math, modelId: 'big', rating: 5 }, { promptText: math, modelId: 'tiny', rating: index % 10 === 0 ? 5 : 1 });
    rows.push({ promptText: chat, modelId: 'big', rating: 5 }, { promptText: chat, modelId: 'tiny', rating: 5 });
  }
  return rows;
}

/** A fixed, seeded shuffle: the same permutation every run. */
function shuffled<T>(items: readonly T[]): T[] {
  const copy = [...items];
  let state = 12345;
  for (let index = copy.length - 1; index > 0; index -= 1) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    const swap = state % (index + 1);
    [copy[index], copy[swap]] = [copy[swap] as T, copy[index] as T];
  }
  return copy;
}

const quick = { version: 'test-v1', pooledStrength: 1.5, deviationStrength: 0.75 };

test('given the same history, when retuning twice, then the parameters serialize to identical bytes', () => {
  const history = establishedHistory(40);
  const first = JSON.stringify(fitRouterFromHistory(history, { version: 'test-v1' }));
  const second = JSON.stringify(fitRouterFromHistory(history, { version: 'test-v1' }));
  assert.is(first, second);
  assert.ok(first.length > 100);
});

test('given the same history in another order, when retuning, then the bytes do not change', () => {
  const history = establishedHistory(40);
  assert.is(JSON.stringify(fitRouterFromHistory(shuffled(history), quick)), JSON.stringify(fitRouterFromHistory(history, quick)));
});

test('given serialized parameters, when parsed back, then predictions are unchanged', () => {
  const parameters = fitRouterFromHistory(establishedHistory(40), quick);
  const restored = JSON.parse(JSON.stringify(parameters)) as typeof parameters;
  const features = extractFeatures(arithmeticPrompt(321));
  assert.is(predictQuality(restored, features, 'tiny'), predictQuality(parameters, features, 'tiny'));
});

test('given no strengths, when fitting, then cross-validation picks them from the grids and records the losses', () => {
  const parameters = fitRouterFromHistory(establishedHistory(40), { version: 'cv', pooledStrengthGrid: [0.5, 5], deviationStrengthGrid: [0.5, 5] });
  const { regularization } = parameters;
  assert.is(regularization.selectedBy, 'cross_validation');
  assert.equal(regularization.pooledLogLoss.map(([strength]) => strength), [0.5, 5]);
  assert.ok([0.5, 5].includes(regularization.pooled) && [0.5, 5].includes(regularization.deviation));
  const lowest = (losses: readonly (readonly [number, number])[]) => losses.reduce((best, entry) => (entry[1] < best[1] ? entry : best))[0];
  assert.is(regularization.pooled, lowest(regularization.pooledLogLoss));
  assert.is(regularization.deviation, lowest(regularization.deviationLogLoss));
});

test('given a different fold seed, when cross-validating, then the folds (and so the losses) change', () => {
  const history = establishedHistory(40);
  const losses = (seed: number) => fitRouterFromHistory(history, { seed, pooledStrengthGrid: [1], deviationStrengthGrid: [1] }).regularization.pooledLogLoss;
  assert.is.not(JSON.stringify(losses(1)), JSON.stringify(losses(99)));
});

test('given history where tiny fails arithmetic, when predicting unseen prompts, then tiny is low on math and high on chat', () => {
  const parameters = fitRouterFromHistory(establishedHistory(40), { version: 'test-v1' });
  const unseenMath = extractFeatures(arithmeticPrompt(500));
  const unseenChat = extractFeatures(chatPrompt(500));
  assert.ok(predictQuality(parameters, unseenMath, 'tiny') < 0.4);
  assert.ok(predictQuality(parameters, unseenChat, 'tiny') > 0.8);
  assert.ok(predictQuality(parameters, unseenMath, 'big') > 0.8);
  assert.ok(difficulty(parameters, unseenMath) > difficulty(parameters, unseenChat));
});

test('given a new model with a few ratings, when predicting, then it stays near the pooled estimate and moves with more', () => {
  // The newcomer is the opposite of tiny: good at arithmetic, poor at chat.
  const newcomer = (count: number): RatedRequest[] => Array.from({ length: count }, (_, index) => [
    { promptText: arithmeticPrompt(index), modelId: 'newcomer', rating: 5 },
    { promptText: chatPrompt(index), modelId: 'newcomer', rating: 2 },
  ]).flat();
  const math = extractFeatures(arithmeticPrompt(777));
  const chat = extractFeatures(chatPrompt(777));
  const gap = (count: number): number => {
    const parameters = fitRouterFromHistory([...establishedHistory(40), ...newcomer(count)], quick);
    return predictQuality(parameters, math, 'newcomer') - predictQuality(parameters, chat, 'newcomer');
  };
  const unrated = gap(0);
  const few = gap(3);
  const many = gap(40);
  assert.ok(unrated < -0.2, `unrated: arithmetic looks harder, as it is for the average model (gap ${unrated})`);
  assert.ok(few > unrated && few < many, `three ratings each move the gap a little: ${unrated} -> ${few} -> ${many}`);
  assert.ok(many > 0.3, `forty ratings each: the newcomer's own record wins (gap ${many})`);
});

test('given a rating outside 1..5, when fitting, then it throws', () => {
  assert.throws(() => fitRouterFromHistory([{ promptText: 'x', modelId: 'm', rating: 6 }], quick), /outside 1..5/);
});

test.run();
