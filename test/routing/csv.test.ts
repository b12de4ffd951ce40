import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseCsv } from '../../src/routing/csv.ts';
import { parseLabelledCsv } from '../../src/routing/dataset.ts';

function rowsOf(text: string): string[][] {
  const result = parseCsv(text);
  if (!result.ok) throw new Error(result.error.message);
  return result.rows;
}

test('given plain fields, when parsing, then records split on commas and line breaks', () => {
  assert.equal(rowsOf('a,b\nc,d\n'), [['a', 'b'], ['c', 'd']]);
  assert.equal(rowsOf('a,b\r\nc,d'), [['a', 'b'], ['c', 'd']]);
});

test('given quoted fields with commas, newlines and doubled quotes, when parsing, then they are kept verbatim', () => {
  const text = 'prompt,x\n"Why, ""really""?\nA. yes\r\nB. no",True\n';
  assert.equal(rowsOf(text), [['prompt', 'x'], ['Why, "really"?\nA. yes\r\nB. no', 'True']]);
});

test('given empty fields, when parsing, then they are empty strings', () => {
  assert.equal(rowsOf('a,,c\n,\n""\n'), [['a', '', 'c'], ['', ''], ['']]);
});

test('given a byte-order mark, when parsing, then it is skipped', () => {
  assert.equal(rowsOf('\uFEFFa,b'), [['a', 'b']]);
});

test('given an unterminated quote, when parsing, then a typed error names the line', () => {
  const result = parseCsv('a,b\nc,"d\ne');
  assert.not.ok(result.ok);
  if (result.ok) return;
  assert.is(result.error.code, 'csv_unterminated_quote');
  assert.is(result.error.line, 2);
});

test('given text after a closing quote, when parsing, then a typed error returns', () => {
  const result = parseCsv('"a"b,c\n');
  assert.ok(!result.ok && result.error.code === 'csv_text_after_quote');
});

test('given a labelled file, when loading, then the first model column is weak and True/False become booleans', () => {
  const result = parseLabelledCsv('prompt,weak-model,strong-model\n"Q1\nA. x",False,True\nQ2,True,True\n', 'inline');
  assert.ok(result.ok);
  if (!result.ok) return;
  assert.equal(result.prompts[0], { prompt: 'Q1\nA. x', outcomes: [['weak-model', false], ['strong-model', true]] });
  assert.is(result.prompts.length, 2);
});

test('given a record with a missing field, when loading, then dataset_malformed returns', () => {
  const result = parseLabelledCsv('prompt,weak,strong\nQ1,True\n', 'inline');
  assert.ok(!result.ok && result.error.code === 'dataset_malformed');
});

test.run();
