/** The JSONL reader for a user's own suite: good lines become items, every bad line is named with its field. */
import { describe, expect, it } from 'vitest';
import { MAX_SUITE_CHARS, parseUserSuite } from '../../src/core/eval/user-suite.js';

const line = (value: unknown) => JSON.stringify(value);

describe('parseUserSuite', () => {
  it('reads every match type, skips blank lines, numbers ids by line', () => {
    const text = [
      line({ prompt: 'Capital of France?', answer: 'Paris', match: 'exact', system: 'Be brief.' }),
      '',
      line({ prompt: '6 x 7?', answer: 42, match: 'number' }),
      line({ id: 'mood', prompt: 'Mood?', answer: 'happy', match: 'choice', choices: ['happy', 'sad'] }),
      line({ prompt: 'Say hi', answer: '/^hi/i', match: 'regex' }),
      line({ prompt: 'JSON please', answer: ['a', 'b'], match: 'json-keys' }),
      line({ prompt: 'Example object', answer: { name: 'x', age: 1 }, match: 'json-keys' }),
    ].join('\r\n');
    const result = parseUserSuite(`\uFEFF${text}\n`, 'mine.jsonl');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.suite).toMatchObject({ name: 'mine.jsonl', kind: 'user' });
    expect(result.suite.items).toEqual([
      { id: 'line-1', prompt: 'Capital of France?', answer: 'Paris', match: 'exact', system: 'Be brief.' },
      { id: 'line-3', prompt: '6 x 7?', answer: '42', match: 'number' },
      { id: 'mood', prompt: 'Mood?', answer: 'happy', match: 'choice', choices: ['happy', 'sad'] },
      { id: 'line-5', prompt: 'Say hi', answer: '/^hi/i', match: 'regex' },
      { id: 'line-6', prompt: 'JSON please', answer: ['a', 'b'], match: 'json-keys' },
      { id: 'line-7', prompt: 'Example object', answer: ['name', 'age'], match: 'json-keys' },
    ]);
    expect(result.warnings).toEqual([]);
  });

  it('names the line and the field of every problem', () => {
    const text = [
      line({ prompt: 'ok', answer: 'a', match: 'exact' }),
      '{"prompt": "broken", ',
      line({ prompt: 'x', answer: 'a', match: 'fuzzy' }),
      line({ prompt: 'x', answer: 'a' }),
      line({ answer: 'a', match: 'exact' }),
      line({ prompt: '   ', answer: 'a', match: 'exact' }),
      line({ prompt: 'x', answer: 'ten', match: 'number' }),
      line({ prompt: 'x', answer: 'c', match: 'choice', choices: ['a', 'b'] }),
      line({ prompt: 'x', answer: 'a', match: 'choice' }),
      line({ prompt: 'x', answer: 'a', match: 'exact', choices: ['a', 'b'] }),
      line({ prompt: 'x', answer: '(unclosed', match: 'regex' }),
      line({ prompt: 'x', answer: ['a', 'a'], match: 'json-keys' }),
      line({ prompt: 'x', answer: 'a', match: 'choice', choices: ['A', 'a.'] }),
      line(['not', 'an', 'object']),
      line({ id: 'line-1', prompt: 'x', answer: 'a', match: 'exact' }),
      line({ prompt: 'x', answer: 7, match: 'exact' }),
    ].join('\n');
    const result = parseUserSuite(text, 'bad.jsonl');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors[0]).toMatch(/^line 2: not valid JSON \(/);
    expect(result.errors.slice(1)).toEqual([
      'line 3: match must be one of exact, number, regex, choice, json-keys (got "fuzzy")',
      'line 4: match is missing (one of exact, number, regex, choice, json-keys)',
      'line 5: prompt must be a string (got undefined)',
      'line 6: prompt is empty',
      'line 7: answer must be a number for match "number" (got "ten")',
      'line 8: answer "c" is not one of the choices',
      'line 9: choices is missing (match "choice" needs the list of answers)',
      'line 10: choices is only for match "choice" (this line\'s match is "exact")',
      expect.stringMatching(/^line 11: answer is not a valid regular expression: /),
      'line 12: answer lists the key "a" twice',
      'line 13: choices[1] is the same as choices[0] once normalised ("a")',
      'line 14: must be a JSON object (got an array)',
      'line 15: id "line-1" is already used on line 1',
      'line 16: answer must be a string (got number)',
    ]);
  });

  it('keeps hostile strings as data and warns about unknown fields', () => {
    const hostile = '<img src=x onerror=alert(1)>{{constructor}}';
    const text = [
      '{"__proto__": {"polluted": true}, "prompt": "' + hostile + '", "answer": "a", "match": "exact"}',
      line({ prompt: 'x', answer: 'a', match: 'exact', categry: 'typo' }),
    ].join('\n');
    const result = parseUserSuite(text, hostile);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.suite.items[0]!.prompt).toBe(hostile);
    expect(Object.getPrototypeOf(result.suite.items[0])).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(result.warnings).toEqual([
      'line 1: unknown field "__proto__" is ignored',
      'line 2: unknown field "categry" is ignored',
    ]);
  });

  it('refuses an empty file, a file too large, and counts problems past twenty', () => {
    expect(parseUserSuite('\n\n', 'empty')).toMatchObject({
      ok: false,
      errors: ['the file has no items (one JSON object per line)'],
    });
    expect(parseUserSuite('x'.repeat(MAX_SUITE_CHARS + 1), 'big')).toMatchObject({
      ok: false,
      errors: [`the file is too large (${MAX_SUITE_CHARS + 1} characters; at most ${MAX_SUITE_CHARS})`],
    });
    const many = parseUserSuite(Array.from({ length: 25 }, () => '{').join('\n'), 'many');
    expect(many.ok).toBe(false);
    if (many.ok) return;
    expect(many.errors).toHaveLength(21);
    expect(many.errors.at(-1)).toBe('… and 5 more problems');
  });
});
