/**
 * An embedded chat's own crash notice: a load of this chat (its `storage-key`) that the last
 * visit never finished is reported in the chat, with a smaller model to try. Only with `persist`
 * (without it the chat writes no markers), and not inside the app, which reports every run itself.
 */
import { html, nothing, type ReactiveControllerHost } from 'lit';
import { EdgeLlmModelSelectEvent, type EdgeLlmCrashNoticeEvent } from '../../events.js';
import type { CustomModelSource, EngineId } from '../../shared/engine-api.js';
import { CrashNoticeController } from '../crash-notice-controller.js';

/** What the notice reads from, and changes on, its chat. */
export interface CrashReportingChat extends ReactiveControllerHost, EventTarget {
  persist: boolean;
  crashNotice: boolean;
  storageKey: string;
  customModels: CustomModelSource | undefined;
  engine: EngineId;
  model: string;
}

export class ChatCrashNotice {
  private readonly crash: CrashNoticeController;

  constructor(private readonly host: CrashReportingChat) {
    this.crash = new CrashNoticeController(
      host,
      () => host.customModels,
      (intent) => host.persist && host.crashNotice && intent.kind === 'load' && intent.owner === host.storageKey,
    );
  }

  render() {
    const report = this.crash.report;
    return report
      ? html`<edge-llm-crash-notice .report=${report} @edge-llm-crash-notice=${this.onAnswer}></edge-llm-crash-notice>`
      : nothing;
  }

  /** The suggested model is chosen here, and announced so that a page with its own picker can follow. */
  private readonly onAnswer = (event: EdgeLlmCrashNoticeEvent) => {
    event.stopPropagation();
    const suggestion = this.crash.answer(event.detail.action);
    if (!suggestion) return;
    this.host.engine = suggestion.engine;
    this.host.model = suggestion.id;
    this.host.dispatchEvent(new EdgeLlmModelSelectEvent({ modelId: suggestion.id, engine: suggestion.engine }));
  };
}
