/**
 * The built-in suites: reproducible from the seed, at least 50 items, and every answer right,
 * checked by computing it again here from the prompt's own text (not from the generator), then
 * sent through the matcher as a model's perfect reply would be.
 */
import { describe, expect, it } from 'vitest';
import { SENTIMENT, TOPIC } from '../../src/core/eval/classification.js';
import type { EvalItem, SuiteLanguage } from '../../src/core/eval/item.js';
import { scoreReply } from '../../src/core/eval/match.js';
import { BUILT_IN_SUITES, builtInSuite, DEFAULT_ITEM_COUNT } from '../../src/core/eval/suites.js';
import { mulberry32 } from '../../src/core/eval/random.js';
import { mulberry32 as fixturePrng } from '../../scripts/prng.mjs';

const LANGS: SuiteLanguage[] = ['en', 'zh'];

describe('seeded generation', () => {
  it('uses the same generator as the fixtures', () => {
    const a = mulberry32(12345);
    const b = fixturePrng(12345);
    for (let i = 0; i < 100; i++) expect(a()).toBe(b());
  });

  for (const name of BUILT_IN_SUITES) {
    it(`${name}: the same seed gives the same items, another seed others, item i whatever the count`, () => {
      for (const lang of LANGS) {
        const first = builtInSuite(name, lang, { seed: 7 });
        expect(builtInSuite(name, lang, { seed: 7 })).toEqual(first);
        expect(first.items.length).toBe(DEFAULT_ITEM_COUNT);
        expect(DEFAULT_ITEM_COUNT).toBeGreaterThanOrEqual(50);
        expect(new Set(first.items.map((item) => item.id)).size).toBe(first.items.length);
        expect(new Set(first.items.map((item) => item.prompt)).size).toBeGreaterThan(first.items.length * 0.8);
        const other = builtInSuite(name, lang, { seed: 8 });
        expect(other.items.map((item) => item.prompt)).not.toEqual(first.items.map((item) => item.prompt));
        expect(builtInSuite(name, lang, { seed: 7, count: 200 }).items.slice(0, 60)).toEqual(first.items);
      }
    });
  }

  it('refuses counts and seeds out of range', () => {
    expect(() => builtInSuite('arithmetic', 'en', { count: 0 })).toThrow(/1 to 10000 items/);
    expect(() => builtInSuite('arithmetic', 'en', { seed: -1 })).toThrow(/seed/);
  });
});

/** Every item of every language of a suite, with a few seeds. */
function allItems(name: (typeof BUILT_IN_SUITES)[number]): { lang: SuiteLanguage; item: EvalItem }[] {
  return [1, 13, 99].flatMap((seed) =>
    LANGS.flatMap((lang) => builtInSuite(name, lang, { seed, count: 90 }).items.map((item) => ({ lang, item }))),
  );
}

describe('arithmetic answers, re-evaluated from the story', () => {
  const EN = /has (\d+) |buys (\d+) more|gives (\d+) away|with (\d+) times as many|among (\d+) friends/g;
  const ZH = /有(\d+)[^多]|又买了(\d+)|送出了(\d+)|原来的(\d+)倍|平均分给(\d+)个/g;

  it('computes every answer again, step by step, each count a whole number from 1 to 999', () => {
    for (const { lang, item } of allItems('arithmetic')) {
      const story = item.prompt.split('\n\n')[1]!;
      let count: number | undefined;
      let steps = 0;
      for (const match of story.matchAll(lang === 'zh' ? ZH : EN)) {
        const [start, add, sub, times, share] = match.slice(1).map((x) => (x === undefined ? undefined : Number(x)));
        if (start !== undefined) {
          expect(count).toBeUndefined();
          count = start;
          continue;
        }
        steps += 1;
        if (add !== undefined) count = count! + add;
        if (sub !== undefined) count = count! - sub;
        if (times !== undefined) count = count! * times;
        if (share !== undefined) count = count! / share;
        expect(Number.isInteger(count) && count! >= 1 && count! <= 999, item.prompt).toBe(true);
      }
      expect(steps).toBeGreaterThanOrEqual(1);
      expect(steps).toBeLessThanOrEqual(3);
      expect(item.answer).toBe(String(count));
      expect(scoreReply(item, String(count)).correct).toBe(true);
    }
  });

  it('has one-, two- and three-step problems, and the Chinese asks the same as the English', () => {
    const en = builtInSuite('arithmetic', 'en').items;
    const zh = builtInSuite('arithmetic', 'zh').items;
    const steps = (prompt: string) => [...prompt.matchAll(EN)].length - 1;
    expect(new Set(en.map((item) => steps(item.prompt)))).toEqual(new Set([1, 2, 3]));
    expect(zh.map((item) => item.answer)).toEqual(en.map((item) => item.answer));
  });
});

const MONTHS = 'January February March April May June July August September October November December'.split(' ');

function isoFromEnglish(date: string): string {
  const monthFirst = /^(\w+) (\d+), (\d{4})$/.exec(date);
  const dayFirst = /^(\d+) (\w+) (\d{4})$/.exec(date);
  const [month, day, year] = monthFirst
    ? [monthFirst[1]!, monthFirst[2]!, monthFirst[3]!]
    : [dayFirst![2]!, dayFirst![1]!, dayFirst![3]!];
  const m = MONTHS.indexOf(month) + 1;
  expect(m).toBeGreaterThan(0);
  return `${year}-${String(m).padStart(2, '0')}-${day.padStart(2, '0')}`;
}

const iso = (y: string, m: string, d: string) => `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;

/** The payer, payment date, amount and the distractors, read from the message. */
function readMessage(lang: SuiteLanguage, text: string) {
  if (lang === 'en') {
    const letter =
      /^Hi (.+), this is (.+)\. On (.+?) I paid \$?([\d,]+)(?: dollars)? for .+ \(invoice no\. (\d+)\)\. The rest is due on (.+)\. Best, (.+)$/.exec(
        text,
      );
    if (letter) {
      expect(letter[7]).toBe(letter[2]);
      return {
        recipient: letter[1]!,
        payer: letter[2]!,
        paid: isoFromEnglish(letter[3]!),
        amount: Number(letter[4]!.replace(/,/g, '')),
        invoice: Number(letter[5]),
        due: isoFromEnglish(letter[6]!),
      };
    }
    const receipt =
      /^Receipt for (.+): (.+) paid \$?([\d,]+)(?: dollars)? for .+ on (.+?)\. Order (\d+); the next payment is due on (.+)\.$/.exec(
        text,
      )!;
    return {
      recipient: receipt[1]!,
      payer: receipt[2]!,
      paid: isoFromEnglish(receipt[4]!),
      amount: Number(receipt[3]!.replace(/,/g, '')),
      invoice: Number(receipt[5]),
      due: isoFromEnglish(receipt[6]!),
    };
  }
  const letter =
    /^(.+)你好，我是(.+?)。我在(\d+)年(\d+)月(\d+)日为.+支付了(?:人民币)?([\d,]+)元（发票号(\d+)）。余款请在(\d+)年(\d+)月(\d+)日前付清。(.+)$/.exec(
      text,
    );
  if (letter) {
    return {
      recipient: letter[1]!,
      payer: letter[2]!,
      paid: iso(letter[3]!, letter[4]!, letter[5]!),
      amount: Number(letter[6]!.replace(/,/g, '')),
      invoice: Number(letter[7]),
      due: iso(letter[8]!, letter[9]!, letter[10]!),
    };
  }
  const receipt =
    /^收据（收款人：(.+?)）：(.+?)于(\d+)年(\d+)月(\d+)日为.+支付(?:人民币)?([\d,]+)元，订单号(\d+)，下次付款日期为(\d+)年(\d+)月(\d+)日。$/.exec(
      text,
    )!;
  return {
    recipient: receipt[1]!,
    payer: receipt[2]!,
    paid: iso(receipt[3]!, receipt[4]!, receipt[5]!),
    amount: Number(receipt[6]!.replace(/,/g, '')),
    invoice: Number(receipt[7]),
    due: iso(receipt[8]!, receipt[9]!, receipt[10]!),
  };
}

describe('extraction answers, read again from the message', () => {
  it('asks for the payer, the payment date or the amount, each beside a distractor', () => {
    const asked = new Set<string>();
    for (const { lang, item } of allItems('extraction')) {
      const [, text, question] = item.prompt.split('\n\n');
      const facts = readMessage(lang, text!);
      expect(facts.recipient).not.toBe(facts.payer);
      expect(facts.due > facts.paid).toBe(true);
      expect(facts.invoice).not.toBe(facts.amount);
      expect(Number.isNaN(Date.parse(`${facts.paid}T00:00:00Z`))).toBe(false);
      let expected: string;
      if (/Who|付款人是谁/.test(question!)) {
        asked.add('name');
        expected = facts.payer;
      } else if (/date|日期/.test(question!)) {
        asked.add('date');
        expected = facts.paid;
      } else {
        asked.add('amount');
        expected = String(facts.amount);
        expect(item.match).toBe('number');
      }
      expect(item.answer).toBe(expected);
      expect(scoreReply(item, expected).correct).toBe(true);
    }
    expect(asked).toEqual(new Set(['name', 'date', 'amount']));
  });
});

describe('classification answers, from the phrases each text is made of', () => {
  it('builds each text from phrases of its own label only, and offers the fixed labels', () => {
    for (const { lang, item } of allItems('classification')) {
      const bank = /sentiment|情感/.test(item.prompt) ? SENTIMENT[lang] : TOPIC[lang];
      expect(item.choices).toEqual(bank.labels);
      const present = bank.labels.filter((_, i) =>
        bank.phrases[i]!.some((phrase) => item.prompt.includes(phrase.replace(/[.。]$/, ''))),
      );
      expect(present).toEqual([item.answer]);
      expect(scoreReply(item, item.answer as string).correct).toBe(true);
      for (const wrong of bank.labels.filter((label) => label !== item.answer)) {
        expect(scoreReply(item, wrong).correct).toBe(false);
      }
    }
  });
});

describe('instruction answers, checked against the constraint in the prompt', () => {
  const words = (n: number) =>
    Array.from({ length: n }, (_, i) => ['calm', 'blue', 'wide', 'deep', 'old'][i % 5]).join(' ');
  const han = (n: number) => '蓝色的大海很美丽安静'.slice(0, n);

  it('counts words and characters, lists keys, and knows the yes/no answer', () => {
    const kinds = new Set<string>();
    for (const { lang, item } of allItems('instructions')) {
      const count = /exactly (\d+) words|恰好(\d+)个汉字/.exec(item.prompt);
      const keys = /exactly the keys (.+), and no other keys|只包含键(.+)，不要有其他键/.exec(item.prompt);
      if (count) {
        kinds.add('words');
        const n = Number(count[1] ?? count[2]);
        const reply = lang === 'zh' ? han : words;
        expect(scoreReply(item, `${reply(n)}.`).correct, `${n} in ${item.prompt}`).toBe(true);
        expect(scoreReply(item, reply(n - 1)).correct).toBe(false);
        expect(scoreReply(item, reply(n + 1)).correct).toBe(false);
      } else if (keys) {
        kinds.add('json');
        const listed = [...(keys[1] ?? keys[2])!.matchAll(/"(\w+)"/g)].map((m) => m[1]!);
        expect(item.answer).toEqual(listed);
        const object = Object.fromEntries(listed.map((key) => [key, 'x']));
        expect(scoreReply(item, JSON.stringify(object)).correct).toBe(true);
        expect(scoreReply(item, JSON.stringify({ ...object, extra: 1 })).correct).toBe(false);
      } else {
        kinds.add('yes-no');
        const [, a, b, c] = /(\d+)\D+(\d+)?\D*(\d+)?/.exec(item.prompt.split(/\. |。/).at(-1)!)!;
        const x = Number(a);
        const y = Number(b);
        const truth = /greater|大于/.test(item.prompt)
          ? x > y
          : /even|偶数/.test(item.prompt)
            ? x % 2 === 0
            : x + y === Number(c);
        const [yes, no] = lang === 'zh' ? ['是', '否'] : ['yes', 'no'];
        expect(scoreReply(item, truth ? yes : no).correct, item.prompt).toBe(true);
        expect(scoreReply(item, truth ? no : yes).correct).toBe(false);
        expect(scoreReply(item, `${truth ? yes : no}, because I checked.`).correct).toBe(false);
      }
    }
    expect(kinds).toEqual(new Set(['words', 'json', 'yes-no']));
  });
});
