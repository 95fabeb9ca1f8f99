/**
 * The chat's Settings disclosure: system prompt, max tokens and temperature. A view: a changed
 * field calls back with a value the element accepts, or not at all.
 */
import { html, type TemplateResult } from 'lit';
import type { ChatSettings } from './chat-status.js';

type Editable = Pick<ChatSettings, 'systemPrompt' | 'maxTokens' | 'temperature'>;

export function renderSettings(settings: Editable, change: (update: Partial<Editable>) => void): TemplateResult {
  const onSystemPrompt = (event: Event) => change({ systemPrompt: (event.target as HTMLTextAreaElement).value });
  const onMaxTokens = (event: Event) => {
    const value = Math.round(Number((event.target as HTMLInputElement).value));
    if (Number.isFinite(value) && value >= 1) change({ maxTokens: value });
  };
  const onTemperature = (event: Event) => {
    const value = Number((event.target as HTMLInputElement).value);
    if (Number.isFinite(value) && value >= 0 && value <= 2) change({ temperature: value });
  };
  return html`<details class="settings">
    <summary>Settings</summary>
    <div class="grid">
      <label class="wide"
        >System prompt
        <textarea name="system-prompt" rows="2" .value=${settings.systemPrompt} @change=${onSystemPrompt}></textarea>
      </label>
      <label
        >Max tokens
        <input
          name="max-tokens"
          type="number"
          min="1"
          max="32768"
          step="1"
          .value=${String(settings.maxTokens)}
          @change=${onMaxTokens}
        />
      </label>
      <label
        >Temperature
        <input
          name="temperature"
          type="number"
          min="0"
          max="2"
          step="0.05"
          .value=${String(settings.temperature)}
          @change=${onTemperature}
        />
      </label>
    </div>
  </details>`;
}
