/**
 * What the app's header says about the chat's model, always in view: not loaded, loading (with
 * the percentage), ready, replying, or failed. Follows the chat's own events, so the header never
 * reaches into the chat.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { EdgeLlmProgressEvent } from '../events.js';

export type LoadStateKind = 'idle' | 'loading' | 'ready' | 'replying' | 'failed';

export class LoadStateController implements ReactiveController {
  kind: LoadStateKind = 'idle';
  /** 0..1 while loading, when the engine knows. */
  fraction: number | undefined;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostConnected(): void {}

  /** The words on the chip. */
  label(): string {
    switch (this.kind) {
      case 'idle':
        return 'Not loaded';
      case 'loading':
        return this.fraction === undefined ? 'Loading…' : `Loading ${Math.floor(this.fraction * 100)}%`;
      case 'ready':
        return 'Ready';
      case 'replying':
        return 'Replying…';
      case 'failed':
        return 'Failed';
    }
  }

  /** Another model was chosen: the chat lets go of the old one unless a reply is still streaming. */
  modelChanged(): void {
    if (this.kind !== 'replying') this.set('idle');
  }

  readonly onProgress = (event: EdgeLlmProgressEvent): void => {
    if (event.detail.phase === 'done') return;
    this.fraction = event.detail.fraction;
    this.set('loading');
  };
  readonly onReady = (): void => this.set('ready');
  readonly onToken = (): void => {
    if (this.kind !== 'replying') this.set('replying');
  };
  readonly onDone = (): void => this.set('ready');
  readonly onError = (): void => this.set('failed');
  readonly onUnload = (): void => this.set('idle');

  private set(kind: LoadStateKind): void {
    this.kind = kind;
    if (kind !== 'loading') this.fraction = undefined;
    this.host.requestUpdate();
  }
}
