/**
 * Coalesces decoded tokens into batches for the page. The first token goes out at once (it
 * defines the time to first token on screen); later ones at most once per frame interval, so a
 * fast engine does not flood the page with one message per token. Never waits on the page.
 */
import type { TokenBatch } from '../src/shared/engine-api.js';

export class TokenBatcher {
  private text = '';
  private tokens = 0;
  private totalTokens = 0;
  private firstTokenMs: number | undefined;
  private lastTokenMs: number | undefined;
  private lastSentMs = -Infinity;
  private sent = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly send: (batch: TokenBatch) => void,
    private readonly now: () => number,
    private readonly intervalMs = 16,
  ) {}

  push(text: string, tokens: number): void {
    const at = this.now();
    this.firstTokenMs ??= at;
    this.lastTokenMs = at;
    this.text += text;
    this.tokens += tokens;
    this.totalTokens += tokens;
    if (at - this.lastSentMs >= this.intervalMs) {
      this.flush();
    } else {
      this.timer ??= setTimeout(() => this.flush(), this.intervalMs - (at - this.lastSentMs));
    }
  }

  /** Sends whatever is pending; called at the end of a reply. */
  flush(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.tokens === 0 && this.text === '') return;
    const at = this.now();
    this.send({
      text: this.text,
      tokens: this.tokens,
      totalTokens: this.totalTokens,
      elapsedMs: at,
      firstTokenMs: this.firstTokenMs ?? at,
    });
    this.lastSentMs = at;
    this.sent += 1;
    this.text = '';
    this.tokens = 0;
  }

  get firstTokenAtMs(): number | undefined {
    return this.firstTokenMs;
  }

  get lastTokenAtMs(): number | undefined {
    return this.lastTokenMs;
  }

  /** Batches sent so far. */
  get batchCount(): number {
    return this.sent;
  }

  get tokenCount(): number {
    return this.totalTokens;
  }
}
