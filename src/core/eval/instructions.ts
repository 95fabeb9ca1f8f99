/**
 * Instruction following with a constraint a program can check: a reply of exactly N words (N
 * Chinese characters in Chinese), a JSON object with exactly the given keys, or only "yes" or
 * "no" (only 是 or 否) to a question whose answer is computed here.
 */
import type { EvalItem, SuiteLanguage } from './item.js';
import { integer, pick, pickDistinct, type Random } from './random.js';

/** A word: letters and digits, joined inside by an apostrophe or hyphen ("don't", "well-known"). */
const WORD = "[\\p{L}\\p{N}]+(?:['’-][\\p{L}\\p{N}]+)*(?!['’-]?[\\p{L}\\p{N}])";
const GAP = '[^\\p{L}\\p{N}]';

/**
 * A pattern for a reply of exactly `n` words, punctuation around them allowed. Each word is
 * matched whole (the lookahead), so the match never backtracks between ways to split a word.
 */
export function exactWordsPattern(n: number): string {
  return `/^${GAP}*${WORD}(?:${GAP}+${WORD}){${n - 1}}${GAP}*$/u`;
}

/** A pattern for a reply of exactly `n` Chinese characters, anything else around them allowed. */
export function exactHanPattern(n: number): string {
  return `/^\\P{Script=Han}*(?:\\p{Script=Han}\\P{Script=Han}*){${n}}$/u`;
}

const TOPICS: Record<SuiteLanguage, string[]> = {
  en: ['the sea', 'a city at night', 'autumn', 'a cup of coffee', 'a rainy day', 'a mountain', 'a library', 'a train'],
  zh: ['大海', '夜晚的城市', '秋天', '一杯咖啡', '下雨天', '一座山', '图书馆', '火车'],
};

interface Described {
  fields: (random: Random) => Record<string, string>;
  en: (f: Record<string, string>) => string;
  zh: (f: Record<string, string>) => string;
}

const TITLES = ['The Quiet Harbour', 'Salt and Iron', 'A Map of Rain', 'Northern Lights', 'The Glass Garden'];
const PEOPLE = ['Omar Diaz', 'Lena Park', 'Ivo Petrov', 'Mina Sato', 'Chidi Obi'];
const CITIES = ['Lisbon', 'Nairobi', 'Osaka', 'Quito', 'Tallinn'];
const PRODUCTS = ['Trail Lamp', 'Cloud Kettle', 'Pocket Radio', 'Desk Fan', 'Travel Mug'];
const COLORS = ['green', 'red', 'blue', 'black', 'white'];

const DESCRIBED: Described[] = [
  {
    fields: (random) => ({
      title: pick(random, TITLES),
      author: pick(random, PEOPLE),
      year: String(integer(random, 1950, 2024)),
    }),
    en: (f) => `A book titled "${f.title}" was written by ${f.author} in ${f.year}.`,
    zh: (f) => `一本名为《${f.title}》的书由${f.author}于${f.year}年写成。`,
  },
  {
    fields: (random) => ({
      name: pick(random, PEOPLE),
      age: String(integer(random, 18, 80)),
      city: pick(random, CITIES),
    }),
    en: (f) => `${f.name} is ${f.age} years old and lives in ${f.city}.`,
    zh: (f) => `${f.name}今年${f.age}岁，住在${f.city}。`,
  },
  {
    fields: (random) => ({
      name: pick(random, PRODUCTS),
      price: String(integer(random, 5, 300)),
      color: pick(random, COLORS),
    }),
    en: (f) => `The ${f.name} costs ${f.price} dollars and comes in ${f.color}.`,
    zh: (f) => `${f.name}售价${f.price}美元，颜色是${f.color}。`,
  },
];

function wordsItem(random: Random, lang: SuiteLanguage): Omit<EvalItem, 'id'> {
  const topic = pick(random, TOPICS[lang]);
  const n = integer(random, 3, 8);
  return lang === 'zh'
    ? { prompt: `用恰好${n}个汉字描述${topic}。只回复这${n}个字。`, answer: exactHanPattern(n), match: 'regex' }
    : {
        prompt: `Describe ${topic} in exactly ${n} words. Reply with those ${n} words only.`,
        answer: exactWordsPattern(n),
        match: 'regex',
      };
}

function jsonItem(random: Random, lang: SuiteLanguage): Omit<EvalItem, 'id'> {
  const described = pick(random, DESCRIBED);
  const fields = described.fields(random);
  const all = Object.keys(fields);
  const keys = pickDistinct(random, all, integer(random, 2, all.length)).sort(
    (a, b) => all.indexOf(a) - all.indexOf(b),
  );
  const quoted = keys.map((key) => `"${key}"`);
  const prompt =
    lang === 'zh'
      ? `${described.zh(fields)}请只回复一个JSON对象，只包含键${quoted.join('、')}，不要有其他键。`
      : `${described.en(fields)} Reply with a JSON object that has exactly the keys ${quoted.slice(0, -1).join(', ')} and ${quoted.at(-1)}, and no other keys.`;
  return { prompt, answer: keys, match: 'json-keys' };
}

type YesNo = { en: string; zh: string; truth: boolean };

function yesNoQuestion(random: Random): YesNo {
  const a = integer(random, 2, 99);
  const b = integer(random, 2, 99);
  switch (integer(random, 0, 2)) {
    case 0:
      return { en: `Is ${a} greater than ${b}?`, zh: `${a}大于${b}吗？`, truth: a > b };
    case 1:
      return { en: `Is ${a} an even number?`, zh: `${a}是偶数吗？`, truth: a % 2 === 0 };
    default: {
      const sum = a + b + (random() < 0.5 ? 0 : integer(random, 1, 3));
      return { en: `Is ${a} plus ${b} equal to ${sum}?`, zh: `${a}加${b}等于${sum}吗？`, truth: a + b === sum };
    }
  }
}

function yesNoItem(random: Random, lang: SuiteLanguage): Omit<EvalItem, 'id'> {
  const question = yesNoQuestion(random);
  if (lang === 'zh') {
    const word = question.truth ? '是' : '否';
    return {
      prompt: `只回答“是”或“否”，不要解释。${question.zh}`,
      answer: `/^\\s*${word}\\s*[.!。！]?\\s*$/u`,
      match: 'regex',
    };
  }
  const word = question.truth ? 'yes' : 'no';
  return {
    prompt: `Answer with only yes or no, no explanation. ${question.en}`,
    answer: `/^\\s*${word}\\s*[.!]?\\s*$/iu`,
    match: 'regex',
  };
}

/** Item `index` of the instruction suite: word count, JSON keys and yes/no in turn. */
export function instructionItem(random: Random, index: number, lang: SuiteLanguage): Omit<EvalItem, 'id'> {
  switch (index % 3) {
    case 0:
      return wordsItem(random, lang);
    case 1:
      return jsonItem(random, lang);
    default:
      return yesNoItem(random, lang);
  }
}
