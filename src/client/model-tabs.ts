/**
 * One copy of a model per GPU across this origin's tabs. A page that loads a model holds a Web
 * Lock named after it for as long as the model is loaded; a second tab that wants the same model
 * finds the lock taken and asks its user whether to load a second copy anyway or to move the
 * model here, which it asks of the holder over a BroadcastChannel. The holder unloads, the lock
 * passes, and the new tab loads.
 *
 * Locks and channels are per origin (per storage partition), so this covers the app's tabs and
 * embedded chats of one site; it needs nothing from a server. Where the browser has no Web Locks
 * every claim succeeds: the app then behaves as before, one copy per tab.
 */

const LOCK_PREFIX = 'edge-llm:model:';
const CHANNEL_NAME = 'edge-llm:models';

/** How long a tab waits for the holder to let go before saying it did not. */
export const MOVE_TIMEOUT_MS = 15_000;

/** This page's hold on a model; release it when the model is unloaded. */
export interface ModelClaim {
  release(): void;
}

/** Called in the holding tab when another tab asks for its model; resolves once it is unloaded. */
export type MoveHandler = () => Promise<void>;

interface MoveMessage {
  type: 'move';
  id: string;
}

interface Held {
  release: () => void;
  refs: number;
  onMove: MoveHandler;
}

export class ModelTabs {
  private readonly held = new Map<string, Held>();
  /**
   * This page's locks by model, until the browser has let go of them: a release takes effect a
   * moment later, so a claim right after one (a reload after a lost GPU device) waits for it
   * rather than finding the model "in another tab".
   */
  private readonly settling = new Map<string, Promise<unknown>>();
  private channel: BroadcastChannel | undefined;

  constructor(
    private readonly locks: LockManager | undefined = globalThis.navigator?.locks,
    private readonly openChannel: (() => BroadcastChannel) | undefined = typeof BroadcastChannel === 'function'
      ? () => new BroadcastChannel(CHANNEL_NAME)
      : undefined,
  ) {}

  /**
   * Takes the model for this page, or returns undefined when another tab holds it. A page that
   * already holds it shares its claim (two elements, one load).
   */
  async claim(id: string, onMove: MoveHandler): Promise<ModelClaim | undefined> {
    const mine = this.held.get(id);
    if (mine) return this.share(id, mine);
    if (!this.locks) return { release: () => undefined };
    await this.settling.get(id);
    const release = await this.lock(id, { ifAvailable: true });
    if (!release) return undefined;
    return this.keep(id, release, onMove);
  }

  /**
   * Asks the tab holding the model to let go of it, waits until it has, and takes it. Rejects
   * after `timeoutMs` when the holder does not answer (a tab frozen in the background, say).
   */
  async takeOver(id: string, onMove: MoveHandler, timeoutMs = MOVE_TIMEOUT_MS): Promise<ModelClaim> {
    if (!this.locks) return { release: () => undefined };
    this.listen().postMessage({ type: 'move', id } satisfies MoveMessage);
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), timeoutMs);
    try {
      const release = await this.lock(id, { signal: abort.signal });
      return this.keep(id, release!, onMove);
    } catch (error) {
      if (abort.signal.aborted)
        throw new Error(`The other tab did not let go of the model within ${timeoutMs / 1000} s.`);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Whether another tab holds the model now (for a notice before anything is loaded). */
  async heldElsewhere(id: string): Promise<boolean> {
    if (!this.locks || this.held.has(id)) return false;
    const state = await this.locks.query();
    return (state.held ?? []).some((lock) => lock.name === LOCK_PREFIX + id);
  }

  /** Resolves with the lock's release, or undefined when `ifAvailable` found it taken. */
  private lock(id: string, options: LockOptions): Promise<(() => void) | undefined> {
    return new Promise((resolve, reject) => {
      const request = this.locks!.request(LOCK_PREFIX + id, options, (lock) => {
        if (!lock) {
          resolve(undefined);
          return;
        }
        const settled = request.catch(() => undefined);
        this.settling.set(id, settled);
        void settled.then(() => {
          if (this.settling.get(id) === settled) this.settling.delete(id);
        });
        // The lock is held until the promise returned here settles: when the page releases it.
        return new Promise<void>((released) => resolve(released));
      });
      request.catch(reject);
    });
  }

  private keep(id: string, release: () => void, onMove: MoveHandler): ModelClaim {
    const held: Held = { release, refs: 0, onMove };
    this.held.set(id, held);
    this.listen();
    return this.share(id, held);
  }

  private share(id: string, held: Held): ModelClaim {
    held.refs += 1;
    let done = false;
    return {
      release: () => {
        if (done) return;
        done = true;
        held.refs -= 1;
        if (held.refs > 0 || this.held.get(id) !== held) return;
        this.held.delete(id);
        held.release();
      },
    };
  }

  private listen(): BroadcastChannel {
    if (this.channel) return this.channel;
    if (!this.openChannel) throw new Error('This browser has no BroadcastChannel.');
    const channel = this.openChannel();
    channel.onmessage = (event: MessageEvent<MoveMessage>) => {
      const held = event.data?.type === 'move' ? this.held.get(event.data.id) : undefined;
      // The holder unloads; releasing its claim (on unload) passes the lock to the asking tab.
      if (held) void held.onMove().catch(() => undefined);
    };
    this.channel = channel;
    return channel;
  }
}

let shared: ModelTabs | undefined;

/** The page's one ModelTabs. */
export function modelTabs(): ModelTabs {
  shared ??= new ModelTabs();
  return shared;
}
