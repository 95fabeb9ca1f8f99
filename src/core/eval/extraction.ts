/**
 * Extraction: a short generated message with a payment in it, and one question about it: who
 * paid, on what date, or how much. Each message also holds a second name, a second date and a
 * second number (the recipient, a due date, an invoice number), so the question must be read.
 */
import type { EvalItem, SuiteLanguage } from './item.js';
import { integer, pick, pickDistinct, type Random } from './random.js';

const FIRST_NAMES = ['Maria', 'James', 'Aisha', 'Kenji', 'Sofia', 'Lucas', 'Amara', 'Noah', 'Elena', 'Ravi'];
const LAST_NAMES = ['Lopez', 'Carter', 'Okafor', 'Tanaka', 'Rossi', 'Meyer', 'Haddad', 'Novak', 'Singh', 'Brennan'];
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴'];
const GIVEN_NAMES = ['芳', '伟', '静', '磊', '洋', '敏', '强', '丽', '晓东', '雨婷', '子涵', '建国'];
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const THINGS_EN = ['garden chairs', 'the repair of a bicycle', 'a wooden desk', 'two concert tickets', 'a laptop bag'];
const THINGS_ZH = ['花园椅子', '自行车维修', '一张木书桌', '两张音乐会门票', '一个电脑包'];

interface Day {
  year: number;
  month: number;
  day: number;
}

type Question = 'name' | 'date' | 'amount';
const QUESTIONS: Question[] = ['name', 'date', 'amount'];

const pad = (n: number) => String(n).padStart(2, '0');
const isoDate = (d: Day) => `${d.year}-${pad(d.month)}-${pad(d.day)}`;

function randomDay(random: Random): Day {
  return { year: integer(random, 2019, 2026), month: integer(random, 1, 12), day: integer(random, 1, 28) };
}

/** A day 3 to 60 days after `day` (months taken as 28 days long, so every date exists). */
function laterDay(random: Random, day: Day): Day {
  let { year, month, day: date } = day;
  date += integer(random, 3, 60);
  while (date > 28) {
    date -= 28;
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  }
  return { year, month, day: date };
}

function englishDate(random: Random, d: Day): string {
  return random() < 0.5 ? `${MONTHS[d.month - 1]} ${d.day}, ${d.year}` : `${d.day} ${MONTHS[d.month - 1]} ${d.year}`;
}

/** 1250 as "1,250" (not toLocaleString: its output depends on the locale data present). */
const grouped = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

function englishAmount(random: Random, amount: number): string {
  return random() < 0.5 ? `$${grouped(amount)}` : `${grouped(amount)} dollars`;
}

function chineseAmount(random: Random, amount: number): string {
  return random() < 0.5 ? `${grouped(amount)}元` : `人民币${amount}元`;
}

interface Facts {
  payer: string;
  recipient: string;
  paid: Day;
  due: Day;
  amount: number;
  invoice: number;
  thingIndex: number;
}

function facts(random: Random, lang: SuiteLanguage): Facts {
  const [payer, recipient] =
    lang === 'zh'
      ? pickDistinct(random, SURNAMES, 2).map((surname) => surname + pick(random, GIVEN_NAMES))
      : pickDistinct(random, FIRST_NAMES, 2).map((first) => `${first} ${pick(random, LAST_NAMES)}`);
  const paid = randomDay(random);
  return {
    payer: payer!,
    recipient: recipient!,
    paid,
    due: laterDay(random, paid),
    amount: integer(random, 12, 9800),
    invoice: integer(random, 10000, 99999),
    thingIndex: integer(random, 0, THINGS_EN.length - 1),
  };
}

function englishText(random: Random, f: Facts): string {
  const thing = THINGS_EN[f.thingIndex]!;
  const amount = englishAmount(random, f.amount);
  return random() < 0.5
    ? `Hi ${f.recipient}, this is ${f.payer}. On ${englishDate(random, f.paid)} I paid ${amount} for ${thing} ` +
        `(invoice no. ${f.invoice}). The rest is due on ${englishDate(random, f.due)}. Best, ${f.payer}`
    : `Receipt for ${f.recipient}: ${f.payer} paid ${amount} for ${thing} on ${englishDate(random, f.paid)}. ` +
        `Order ${f.invoice}; the next payment is due on ${englishDate(random, f.due)}.`;
}

function chineseText(random: Random, f: Facts): string {
  const thing = THINGS_ZH[f.thingIndex]!;
  const amount = chineseAmount(random, f.amount);
  const date = (d: Day) => `${d.year}年${d.month}月${d.day}日`;
  return random() < 0.5
    ? `${f.recipient}你好，我是${f.payer}。我在${date(f.paid)}为${thing}支付了${amount}（发票号${f.invoice}）。` +
        `余款请在${date(f.due)}前付清。${f.payer}`
    : `收据（收款人：${f.recipient}）：${f.payer}于${date(f.paid)}为${thing}支付${amount}，` +
        `订单号${f.invoice}，下次付款日期为${date(f.due)}。`;
}

const ENGLISH_QUESTIONS: Record<Question, string> = {
  name: 'Who made the payment? Reply with the full name only.',
  date: 'On what date was the payment made? Reply with the date only, as YYYY-MM-DD.',
  amount: 'How much was paid? Reply with the number only.',
};
const CHINESE_QUESTIONS: Record<Question, string> = {
  name: '付款人是谁？只回答姓名。',
  date: '付款日期是哪天？只回答日期，格式为YYYY-MM-DD。',
  amount: '支付了多少钱？只回答数字。',
};

/** Item `index` of the extraction suite: the name, date and amount questions in turn. */
export function extractionItem(random: Random, index: number, lang: SuiteLanguage): Omit<EvalItem, 'id'> {
  const question = QUESTIONS[index % QUESTIONS.length]!;
  const f = facts(random, lang);
  const prompt =
    lang === 'zh'
      ? `阅读下面的文字并回答问题。\n\n${chineseText(random, f)}\n\n${CHINESE_QUESTIONS[question]}`
      : `Read the text and answer the question.\n\n${englishText(random, f)}\n\n${ENGLISH_QUESTIONS[question]}`;
  if (question === 'amount') return { prompt, answer: String(f.amount), match: 'number' };
  return { prompt, answer: question === 'name' ? f.payer : isoDate(f.paid), match: 'exact' };
}
