/**
 * Classification with fixed labels: the sentiment of a short product review (positive or
 * negative) and the topic of a short text (sports, technology, food, weather), in turn. Every
 * text is built only from phrases of its own label, with a neutral sentence at times.
 */
import type { EvalItem, SuiteLanguage } from './item.js';
import { pick, pickDistinct, type Random } from './random.js';

interface Bank {
  labels: string[];
  /** Phrases per label, in the order of `labels`. */
  phrases: string[][];
}

/** Review subjects; each review is "<subject> <phrase>." once or twice. */
const SUBJECTS: Record<SuiteLanguage, string[]> = {
  en: ['The headphones', 'This blender', 'The hotel room', 'The phone case', 'This jacket', 'The delivery'],
  zh: ['这副耳机', '这台搅拌机', '酒店房间', '这个手机壳', '这件外套', '这次外卖'],
};

export const SENTIMENT: Record<SuiteLanguage, Bank> = {
  en: {
    labels: ['positive', 'negative'],
    phrases: [
      [
        'works perfectly and I love it',
        'exceeded my expectations',
        'is excellent value for money',
        'arrived early and looks great',
        'is the best purchase I made this year',
        'feels comfortable and well made',
      ],
      [
        'broke after two days',
        'is a complete waste of money',
        'arrived damaged and nobody answered my complaint',
        'feels cheap and badly made',
        'stopped working within a week',
        'was a huge disappointment',
      ],
    ],
  },
  zh: {
    labels: ['正面', '负面'],
    phrases: [
      [
        '质量很好，我非常喜欢',
        '超出了我的预期',
        '性价比很高',
        '提前送到，看起来很漂亮',
        '是今年买得最值的东西',
        '用起来舒服，做工精细',
      ],
      [
        '用了两天就坏了',
        '完全是浪费钱',
        '送到时已经损坏，投诉也没人理',
        '做工粗糙，手感很差',
        '一周内就不能用了',
        '让人非常失望',
      ],
    ],
  },
};

export const TOPIC: Record<SuiteLanguage, Bank> = {
  en: {
    labels: ['sports', 'technology', 'food', 'weather'],
    phrases: [
      [
        'The striker scored twice in the second half.',
        'The team won the championship after a penalty shootout.',
        'She set a new national record in the 400 metres.',
        'The coach changed the starting line-up before the final.',
        'The marathon runners crossed the finish line at noon.',
        'The tennis match went to a fifth set.',
      ],
      [
        'The new phone ships with a faster processor.',
        'The update fixes a bug in the operating system.',
        'Engineers trained the model on a cluster of GPUs.',
        'The startup released an app for managing passwords.',
        'The laptop battery now lasts twelve hours.',
        'The company moved its servers to the cloud.',
      ],
      [
        'Simmer the tomato sauce with garlic for twenty minutes.',
        'The bakery sells fresh sourdough every morning.',
        'Add a pinch of salt before serving the soup.',
        'The restaurant is known for its grilled fish.',
        'Whisk the eggs with sugar until the mixture is pale.',
        'The dumplings are filled with pork and cabbage.',
      ],
      [
        'Heavy rain is expected across the region tonight.',
        'Temperatures will drop below freezing by the weekend.',
        'A strong wind warning is in place along the coast.',
        'The forecast shows clear skies and sunshine tomorrow.',
        'Thick fog delayed the morning flights.',
        'Snow is likely in the mountains on Monday.',
      ],
    ],
  },
  zh: {
    labels: ['体育', '科技', '美食', '天气'],
    phrases: [
      [
        '前锋在下半场打进了两个球。',
        '球队在点球大战后赢得了冠军。',
        '她在四百米比赛中打破了全国纪录。',
        '教练在决赛前调整了首发阵容。',
        '马拉松选手在中午冲过了终点。',
        '这场网球比赛打到了第五盘。',
      ],
      [
        '新手机配备了更快的处理器。',
        '这次更新修复了操作系统的一个漏洞。',
        '工程师用一组显卡训练了这个模型。',
        '这家创业公司发布了一款密码管理应用。',
        '这台笔记本电脑的电池现在能用十二个小时。',
        '公司把服务器迁移到了云端。',
      ],
      [
        '把番茄酱和大蒜一起小火炖二十分钟。',
        '这家面包店每天早上卖新鲜的酸面包。',
        '上桌前在汤里加一小撮盐。',
        '这家餐厅以烤鱼出名。',
        '把鸡蛋和糖打到颜色发白。',
        '饺子的馅是猪肉白菜。',
      ],
      [
        '今晚全区预计有大雨。',
        '到周末气温将降到零度以下。',
        '沿海地区发布了大风预警。',
        '天气预报显示明天晴朗有阳光。',
        '浓雾导致早上的航班延误。',
        '周一山区可能会下雪。',
      ],
    ],
  },
};

const NEUTRAL: Record<SuiteLanguage, string[]> = {
  en: ['I ordered it in May.', 'It came in a blue box.', 'I have used it every day since.'],
  zh: ['我是五月下的单。', '它装在一个蓝色的盒子里。', '从那以后我每天都用。'],
};

function sentimentItem(random: Random, lang: SuiteLanguage): Omit<EvalItem, 'id'> {
  const bank = SENTIMENT[lang];
  const label = pick(random, [0, 1]);
  const subject = pick(random, SUBJECTS[lang]);
  const phrases = pickDistinct(random, bank.phrases[label]!, random() < 0.5 ? 1 : 2);
  const sentences = phrases.map((phrase, i) => {
    if (lang === 'zh') return i === 0 ? `${subject}${phrase}。` : `而且${phrase}。`;
    return i === 0 ? `${subject} ${phrase}.` : `Also, it ${phrase}.`;
  });
  if (random() < 0.5) sentences.splice(1, 0, pick(random, NEUTRAL[lang]));
  const text = sentences.join(lang === 'zh' ? '' : ' ');
  const [positive, negative] = bank.labels as [string, string];
  const prompt =
    lang === 'zh'
      ? `判断这条评论的情感是${positive}还是${negative}。只回答“${positive}”或“${negative}”。\n\n评论：${text}`
      : `Classify the sentiment of this review as ${positive} or ${negative}. Reply with one word: ${positive} or ${negative}.\n\nReview: ${text}`;
  return { prompt, answer: bank.labels[label]!, match: 'choice', choices: [...bank.labels] };
}

function topicItem(random: Random, lang: SuiteLanguage): Omit<EvalItem, 'id'> {
  const bank = TOPIC[lang];
  const label = Math.floor(random() * bank.labels.length);
  const text = pickDistinct(random, bank.phrases[label]!, 2).join(lang === 'zh' ? '' : ' ');
  const list = bank.labels.join(lang === 'zh' ? '、' : ', ');
  const prompt =
    lang === 'zh'
      ? `这段文字的主题是什么？从以下选项中选一个：${list}。只回答主题。\n\n文字：${text}`
      : `Which topic is this text about? Choose one of: ${list}. Reply with the topic only.\n\nText: ${text}`;
  return { prompt, answer: bank.labels[label]!, match: 'choice', choices: [...bank.labels] };
}

/** Item `index` of the classification suite: sentiment and topic in turn. */
export function classificationItem(random: Random, index: number, lang: SuiteLanguage): Omit<EvalItem, 'id'> {
  return index % 2 === 0 ? sentimentItem(random, lang) : topicItem(random, lang);
}
