/**
 * The `number` rule (docs/evaluation.md): which number in a reply is its answer, and whether it
 * equals the expected one.
 */
import { firstLine, foldWidth } from './normalize.js';

/**
 * A number: an optional sign (only where it cannot be a subtraction: not after a letter, digit
 * or closing bracket), digits, and a decimal part. "42." is 42 followed by a full stop.
 */
const NUMBER = /(?:(?<![\p{L}\p{N})\]])-)?\d+(?:\.\d+)?/gu;
/** Commas between groups of three digits: "1,250,000" is one number. */
const THOUSANDS = /(?<=\d),(?=\d{3}(?!\d))/g;
/** Words after which a reply states its final answer; the last one counts. */
const ANSWER_LABEL = /(?:answer\s*(?:is\b|:|=)|####|答案\s*(?:是|为|:)?|结果\s*(?:是|为|:))/giu;
/** The end of a worked step: "12 + 5 = 17". */
const EQUALS = /=/g;

/** Width folded (full-width digits, "，"), separators removed: the text numbers are read from. */
function numberText(text: string): string {
  return foldWidth(text).replace(THOUSANDS, '');
}

function numbersIn(text: string): string[] {
  return [...text.matchAll(NUMBER)].map((match) => match[0]);
}

/** The first number after the last `marker` that has one after it. */
function afterLast(text: string, marker: RegExp): string | undefined {
  let found: string | undefined;
  for (const match of text.matchAll(marker)) {
    const next = numbersIn(text.slice(match.index + match[0].length))[0];
    if (next !== undefined) found = next;
  }
  return found;
}

/**
 * The number a reply gives as its answer, as written (without separators), or undefined when
 * it has none:
 * 1. the first number after the last answer label ("answer is", "Answer:", "####", "答案是",
 *    "结果为"), so worked steps before it do not count;
 * 2. else the first number after the last "=" (the result of the last worked step);
 * 3. else the only number on the first line with text ("14\n\nBecause 12 + 5 − 3 …");
 * 4. else the last number in the reply.
 */
export function extractNumber(reply: string): string | undefined {
  const text = numberText(reply);
  const stated = afterLast(text, ANSWER_LABEL) ?? afterLast(text, EQUALS);
  if (stated !== undefined) return stated;
  const onFirstLine = numbersIn(firstLine(text));
  if (onFirstLine.length === 1) return onFirstLine[0];
  return numbersIn(text).at(-1);
}

/** An expected answer as a number: "1,250", "１２５０", "-3.5"; NaN when it is not one. */
export function parseExpectedNumber(answer: string): number {
  const text = numberText(answer).trim();
  return /^-?\d+(?:\.\d+)?$/.test(text) ? Number(text) : Number.NaN;
}

/** Equal up to floating-point noise: 0.1 + 0.2 equals 0.3; 42.0 equals 42. */
export function sameNumber(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}
