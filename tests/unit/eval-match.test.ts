/** Every match type and extraction rule (docs/evaluation.md, "Matching") on hand-made replies and near misses. */
import { describe, expect, it } from 'vitest';
import { extractJsonObject } from '../../src/core/eval/extract-json.js';
import { extractNumber, parseExpectedNumber } from '../../src/core/eval/extract-number.js';
import type { EvalItem } from '../../src/core/eval/item.js';
import { chooseAnswer, scoreReply } from '../../src/core/eval/match.js';
import { foldWidth, normalizeAnswer } from '../../src/core/eval/normalize.js';
import { exactHanPattern, exactWordsPattern } from '../../src/core/eval/instructions.js';

const item = (match: EvalItem['match'], answer: EvalItem['answer'], choices?: string[]): EvalItem => ({
  id: 't',
  prompt: 'p',
  answer,
  match,
  ...(choices ? { choices } : {}),
});
const right = (it: EvalItem, reply: string) => scoreReply(it, reply).correct;

describe('normalisation', () => {
  it('folds width and Chinese punctuation', () => {
    expect(foldWidth('４２，ＡＢＣ：“好”。')).toBe('42,ABC:"好".');
    expect(foldWidth('−5 – 3')).toBe('-5 - 3');
  });

  it('strips case, labels, quotes, markup and end punctuation, keeps inner punctuation', () => {
    expect(normalizeAnswer('  **Paris.** ')).toBe('paris');
    expect(normalizeAnswer('Answer: "Sofia   Lopez"')).toBe('sofia lopez');
    expect(normalizeAnswer('The answer is 2024-03-05.')).toBe('2024-03-05');
    expect(normalizeAnswer('答案：“王 芳”。')).toBe('王芳');
    expect(normalizeAnswer('`yes`')).toBe('yes');
    expect(normalizeAnswer('-3.')).toBe('-3');
    expect(normalizeAnswer('- Paris')).toBe('paris');
  });
});

describe('exact', () => {
  const name = item('exact', 'Sofia Lopez');
  it('takes the answer in any case, with a label, quotes or a full stop, on the first line', () => {
    for (const reply of [
      'Sofia Lopez',
      'sofia lopez.',
      '"Sofia Lopez"',
      'Answer: Sofia Lopez',
      'Sofia Lopez\n\nShe paid.',
    ]) {
      expect(right(name, reply), reply).toBe(true);
    }
  });
  it('refuses a different or longer answer', () => {
    for (const reply of ['Sofia', 'Sofia Lopez paid.', 'Ravi Rossi', '', 'The payer was Sofia Lopez']) {
      expect(right(name, reply), reply).toBe(false);
    }
    expect(scoreReply(name, 'Ravi Rossi').note).toBe('expected "sofia lopez"');
  });
  it('reads Chinese with full-width punctuation and stray spaces', () => {
    expect(right(item('exact', '陈芳'), '陈 芳。')).toBe(true);
    expect(right(item('exact', '2020-03-24'), '２０２０－０３－２４')).toBe(true);
    expect(right(item('exact', '陈芳'), '陈芳芳')).toBe(false);
  });
});

describe('number', () => {
  it('extracts the stated answer, not the working', () => {
    expect(extractNumber('42')).toBe('42');
    expect(extractNumber('42.')).toBe('42');
    expect(extractNumber('４２')).toBe('42');
    expect(extractNumber('The total is $1,250.')).toBe('1250');
    expect(extractNumber('12 + 5 = 17, 17 - 3 = 14')).toBe('14');
    expect(extractNumber('Answer: 14 (12 + 5 = 17, 17 - 3 = 14)')).toBe('14');
    expect(extractNumber('The answer is 14 (= 12 + 5 - 3).')).toBe('14');
    expect(extractNumber('14\n\nBecause 12 + 5 - 3 = 14.')).toBe('14');
    expect(extractNumber('14\n\nShe had 12, bought 5 and gave 3.')).toBe('14');
    expect(extractNumber('She had 12, bought 5 and gave 3, so 14 are left')).toBe('14');
    expect(extractNumber('答案是：１，２５０元。')).toBe('1250');
    expect(extractNumber('#### 72')).toBe('72');
    expect(extractNumber('It is -3 degrees')).toBe('-3');
    expect(extractNumber('Price: −3.5')).toBe('-3.5');
    expect(extractNumber('No idea.')).toBeUndefined();
  });
  it('keeps lists apart from thousands', () => {
    expect(extractNumber('1,2')).toBe('2');
    expect(extractNumber('3, 400')).toBe('400');
    expect(extractNumber('1,234,567')).toBe('1234567');
  });
  it('compares values, not spellings', () => {
    const n = item('number', '1250');
    for (const reply of ['1250', '1,250', '1250.00', '$1,250', '１２５０', 'It cost 1250 dollars.']) {
      expect(right(n, reply), reply).toBe(true);
    }
    expect(right(n, '125')).toBe(false);
    expect(right(n, '12500')).toBe(false);
    expect(scoreReply(n, 'none').note).toBe('no number in the reply');
    expect(parseExpectedNumber('1,250')).toBe(1250);
    expect(parseExpectedNumber('ten')).toBeNaN();
    expect(right(item('number', '0.3'), '0.30000000000000004')).toBe(true);
  });
});

describe('regex', () => {
  it('matches the trimmed, width-folded reply; /body/flags sets flags', () => {
    expect(right(item('regex', '^\\d{3}$'), ' １２３ ')).toBe(true);
    expect(right(item('regex', '/^yes\\.?$/i'), 'Yes.')).toBe(true);
    expect(right(item('regex', '/^yes\\.?$/'), 'Yes.')).toBe(false);
    expect(scoreReply(item('regex', '(unclosed'), 'x').note).toMatch(/^the pattern is invalid/);
  });
  it('counts words: exactly N, hyphens and apostrophes inside words, punctuation around them', () => {
    const three = item('regex', exactWordsPattern(3));
    for (const reply of [
      'Calm blue sea',
      'Calm, blue sea.',
      "Don't stop, sea!",
      'Well-known blue sea',
      'sea - calm - blue',
    ])
      expect(right(three, reply), reply).toBe(true);
    for (const reply of ['Calm sea', 'Calm blue wide sea', '', '...']) expect(right(three, reply), reply).toBe(false);
  });
  it('counts Chinese characters, punctuation around them allowed', () => {
    const four = item('regex', exactHanPattern(4));
    expect(right(four, '大海很蓝。')).toBe(true);
    expect(right(four, '“大海很蓝”')).toBe(true);
    expect(right(four, '大海很蓝色')).toBe(false);
  });
  it('answers fast on a long reply that almost matches', () => {
    const eight = item('regex', exactWordsPattern(8));
    const started = performance.now();
    expect(right(eight, `${'a-'.repeat(5000)}a b`)).toBe(false);
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe('choice', () => {
  const sentiment = ['positive', 'negative'];
  it('takes the whole reply, a leading choice, or the only choice named', () => {
    expect(chooseAnswer('Positive.', sentiment)).toBe('positive');
    expect(chooseAnswer('NEGATIVE', sentiment)).toBe('negative');
    expect(chooseAnswer('Negative. The reviewer is unhappy, not positive at all.', sentiment)).toBe('negative');
    expect(chooseAnswer('The sentiment of this review is positive.', sentiment)).toBe('positive');
    expect(chooseAnswer('正面。', ['正面', '负面'])).toBe('正面');
    expect(chooseAnswer('这条评论的情感是负面的', ['正面', '负面'])).toBe('负面');
  });
  it('gives no credit for hedging or for naming none', () => {
    expect(chooseAnswer('It could be positive or negative.', sentiment)).toEqual({
      note: 'names several choices: "positive", "negative"',
    });
    expect(chooseAnswer('I cannot tell.', sentiment)).toEqual({ note: 'names none of the choices' });
    expect(chooseAnswer('unpositive', sentiment)).toEqual({ note: 'names none of the choices' });
  });
  it('does not count a choice inside a longer one', () => {
    expect(chooseAnswer('I think it is not spam.', ['spam', 'not spam'])).toBe('not spam');
    expect(chooseAnswer('B) Paris', ['A', 'B', 'C', 'D'])).toBe('B');
  });
  it('scores against the answer', () => {
    const it1 = item('choice', 'positive', sentiment);
    expect(right(it1, 'positive')).toBe(true);
    expect(scoreReply(it1, 'negative')).toEqual({ correct: false, extracted: 'negative', note: 'expected "positive"' });
  });
});

describe('json-keys', () => {
  const keys = item('json-keys', ['title', 'year']);
  it('finds the object as the whole reply, in a fence, or inside prose', () => {
    for (const reply of [
      '{"title": "Salt", "year": 1999}',
      'Here it is:\n```json\n{"title": "Salt", "year": 1999}\n```',
      'Sure! {"title": "Salt", "year": 1999} Hope this helps.',
      '```\n{"year": 1999, "title": "Salt"}\n```',
      'The JSON is {"title": "a } b", "year": 1}.',
    ]) {
      expect(right(keys, reply), reply).toBe(true);
    }
  });
  it('repairs full-width braces, curly quotes and a trailing comma', () => {
    expect(right(keys, '｛“title”：“盐”，“year”：1999，｝')).toBe(true);
    expect(right(keys, '{"title": "Salt", "year": 1999,}')).toBe(true);
  });
  it('needs exactly the keys, and an object', () => {
    expect(scoreReply(keys, '{"title": "Salt"}').note).toBe('keys differ: missing "year"');
    expect(scoreReply(keys, '{"title": "Salt", "year": 1, "author": "x"}').note).toBe('keys differ: extra "author"');
    expect(scoreReply(keys, '["title", "year"]').note).toBe('no JSON object in the reply');
    expect(scoreReply(keys, 'title: Salt, year: 1999').note).toBe('no JSON object in the reply');
    expect(extractJsonObject('{"__proto__": {"x": 1}, "a": 2}')).toEqual(JSON.parse('{"__proto__": {"x": 1}, "a": 2}'));
  });
  it('scores a malformed item wrong instead of throwing', () => {
    expect(scoreReply(item('json-keys', 'title'), '{}').note).toBe('a json-keys answer must list the keys');
    expect(scoreReply(item('exact', ['x']), 'x').note).toBe('a exact answer must be a string');
  });
});
