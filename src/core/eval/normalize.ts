/**
 * Text normalisation shared by the answer checks (docs/evaluation.md, "Matching"): the forms a
 * reply can take that do not change its meaning (full-width characters, Chinese punctuation,
 * case, surrounding quotes, a trailing full stop) are made equal before anything is compared.
 */

/** Chinese punctuation NFKC leaves alone, mapped to its ASCII counterpart. */
const CJK_PUNCTUATION: Record<string, string> = {
  '。': '.',
  '、': ',',
  '｡': '.',
  '“': '"',
  '”': '"',
  '‘': "'",
  '’': "'",
  '「': '"',
  '」': '"',
  '『': '"',
  '』': '"',
  '《': '"',
  '》': '"',
  '【': '[',
  '】': ']',
  '〔': '(',
  '〕': ')',
  '—': '-',
  '–': '-',
  '−': '-',
  '～': '~',
};
const CJK_PUNCTUATION_PATTERN = new RegExp(`[${Object.keys(CJK_PUNCTUATION).join('')}]`, 'g');

/** Han characters and the kana and hangul around them: scripts written without spaces. */
const CJK = '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Hangul}';
const SPACE_BETWEEN_CJK = new RegExp(`(?<=[${CJK}])\\s+(?=[${CJK}])`, 'gu');

/**
 * Full-width letters, digits and punctuation to ASCII (Unicode NFKC: "４２" → "42", "，" → ","),
 * Chinese punctuation NFKC keeps ("。", "、", curly quotes, book-title marks) to ASCII, and
 * Unicode dashes and minus signs to "-".
 */
export function foldWidth(text: string): string {
  return text.normalize('NFKC').replace(CJK_PUNCTUATION_PATTERN, (mark) => CJK_PUNCTUATION[mark] ?? mark);
}

/**
 * Punctuation and white space at either end (but not `+`, `$`, `%` and other symbols, nor the
 * minus of a leading negative number: "-3" is not "3").
 */
const EDGE_PUNCTUATION = /^(?:(?!-\d)[\p{P}\s])+|[\p{P}\s]+$/gu;
/** Markdown emphasis and code marks around a whole reply. */
const EDGE_MARKUP = /^[*_`~]+|[*_`~]+$/g;
/** A label a model puts before its answer: "Answer:", "The answer is", "答案是", "答：". */
const ANSWER_LABEL = /^(?:(?:the\s+)?(?:final\s+)?answer\s*(?:is\b|:|=)|答案?\s*(?:是|为|:))\s*/iu;

/**
 * The form `exact` and `choice` compare: width folded, lower case, white space collapsed (and
 * removed between Chinese characters), an answer label, quotes, markup and punctuation at the
 * ends stripped. Punctuation inside is kept: "2024-03-05" stays as it is.
 */
export function normalizeAnswer(text: string): string {
  let out = foldWidth(text).toLowerCase().replace(/\s+/g, ' ');
  let previous: string;
  do {
    previous = out;
    out = out.replace(EDGE_PUNCTUATION, '').replace(EDGE_MARKUP, '').replace(ANSWER_LABEL, '');
  } while (out !== previous);
  return out.replace(SPACE_BETWEEN_CJK, '');
}

/** The first line of a reply that has any text, or "" for a reply with none. */
export function firstLine(text: string): string {
  return (
    text
      .split(/\r\n|\r|\n/)
      .map((line) => line.trim())
      .find((line) => line !== '') ?? ''
  );
}
