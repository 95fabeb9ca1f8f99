/**
 * Arithmetic word problems, one to three steps, whole-number answers, in English and Chinese.
 * Every intermediate count stays a whole number from 1 to 999: subtraction never goes below
 * one, and sharing out happens only when it divides evenly.
 */
import type { EvalItem, SuiteLanguage } from './item.js';
import { integer, pick, type Random } from './random.js';

type Step = { op: 'add' | 'subtract' | 'multiply'; value: number } | { op: 'share'; value: number };

interface Thing {
  en: string;
  /** Chinese measure word and noun: 个 + 苹果. */
  zh: [string, string];
}

const THINGS: Thing[] = [
  { en: 'apples', zh: ['个', '苹果'] },
  { en: 'stickers', zh: ['张', '贴纸'] },
  { en: 'marbles', zh: ['颗', '弹珠'] },
  { en: 'books', zh: ['本', '书'] },
  { en: 'pencils', zh: ['支', '铅笔'] },
  { en: 'stamps', zh: ['枚', '邮票'] },
  { en: 'cookies', zh: ['块', '饼干'] },
  { en: 'shells', zh: ['个', '贝壳'] },
];
const NAMES_EN = ['Ana', 'Ben', 'Chloe', 'David', 'Emma', 'Farid', 'Grace', 'Hiro', 'Ines', 'Jamal', 'Kira', 'Leo'];
const NAMES_ZH = ['小明', '小红', '李华', '王芳', '张伟', '刘洋', '陈静', '杨帆', '赵磊', '黄丽'];

const MAX_COUNT = 999;

/** One to three steps that keep every count a whole number in range; the last may share out. */
function plan(random: Random, stepCount: number): { start: number; steps: Step[] } {
  const start = integer(random, 5, 60);
  const steps: Step[] = [];
  let count = start;
  for (let i = 0; i < stepCount; i++) {
    const last = i === stepCount - 1;
    const divisors = [2, 3, 4, 5, 6].filter((k) => count % k === 0 && count / k >= 1);
    // Growing twice in a row reads oddly and runs the count out of range.
    const options: Step['op'][] =
      steps.at(-1)?.op === 'multiply' ? ['add', 'subtract'] : ['add', 'subtract', 'multiply'];
    if (last && divisors.length > 0) options.push('share');
    let op = pick(random, options);
    if (op === 'subtract' && count <= 1) op = 'add';
    if ((op === 'multiply' && count * 2 > MAX_COUNT) || (op === 'add' && count + 2 > MAX_COUNT)) op = 'subtract';
    let value: number;
    if (op === 'add') value = integer(random, 2, Math.min(40, MAX_COUNT - count));
    else if (op === 'subtract') value = integer(random, 1, Math.min(40, count - 1));
    else if (op === 'multiply') value = integer(random, 2, Math.min(4, Math.floor(MAX_COUNT / count)));
    else value = pick(random, divisors);
    steps.push({ op, value });
    count = apply(count, { op, value });
  }
  return { start, steps };
}

function apply(count: number, step: Step): number {
  switch (step.op) {
    case 'add':
      return count + step.value;
    case 'subtract':
      return count - step.value;
    case 'multiply':
      return count * step.value;
    case 'share':
      return count / step.value;
  }
}

function english(name: string, thing: Thing, start: number, steps: Step[]): string {
  const sentences = [`${name} has ${start} ${thing.en}.`];
  for (const step of steps) {
    if (step.op === 'add') sentences.push(`${name} buys ${step.value} more.`);
    if (step.op === 'subtract') sentences.push(`${name} gives ${step.value} away.`);
    if (step.op === 'multiply') sentences.push(`Then ${name} ends up with ${step.value} times as many.`);
    if (step.op === 'share') sentences.push(`${name} shares them equally among ${step.value} friends and keeps none.`);
  }
  const question =
    steps.at(-1)?.op === 'share'
      ? `How many ${thing.en} does each friend get?`
      : `How many ${thing.en} does ${name} have now?`;
  return `Solve this problem. Reply with the number only.\n\n${sentences.join(' ')} ${question}`;
}

function chinese(name: string, thing: Thing, start: number, steps: Step[]): string {
  const [unit, noun] = thing.zh;
  const sentences = [`${name}有${start}${unit}${noun}。`];
  for (const step of steps) {
    if (step.op === 'add') sentences.push(`${name}又买了${step.value}${unit}。`);
    if (step.op === 'subtract') sentences.push(`${name}送出了${step.value}${unit}。`);
    if (step.op === 'multiply') sentences.push(`然后${name}的${noun}变成了原来的${step.value}倍。`);
    if (step.op === 'share') sentences.push(`${name}把这些${noun}平均分给${step.value}个朋友，自己不留。`);
  }
  const question =
    steps.at(-1)?.op === 'share' ? `每个朋友分到多少${unit}${noun}？` : `${name}现在有多少${unit}${noun}？`;
  return `解下面的题。只回答数字。\n\n${sentences.join('')}${question}`;
}

/** Item `index` of the arithmetic suite: 1, 2 or 3 steps in turn. */
export function arithmeticItem(random: Random, index: number, lang: SuiteLanguage): Omit<EvalItem, 'id'> {
  const { start, steps } = plan(random, 1 + (index % 3));
  const thing = pick(random, THINGS);
  const name = pick(random, lang === 'zh' ? NAMES_ZH : NAMES_EN);
  const answer = steps.reduce(apply, start);
  return {
    prompt: lang === 'zh' ? chinese(name, thing, start, steps) : english(name, thing, start, steps),
    answer: String(answer),
    match: 'number',
  };
}
