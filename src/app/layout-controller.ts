/**
 * The app's two layouts, from the viewport: wide (>= 1024 px: device, models and storage in a
 * column beside the chat) or narrow (the chat is the first screen; the rest opens in a sheet).
 *
 * The sheet is a modal `<dialog>`: `showModal()` puts it in the top layer and makes the page
 * behind it inert (keyboard and screen readers stay inside), Escape closes it, and focus moves in
 * when it opens and back to the button that opened it when it closes. A disclosure would instead
 * push the conversation off a phone's screen and leave the visitor scrolling between the two.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** The width from which the app shows two columns. */
export const WIDE_LAYOUT_QUERY = '(min-width: 1024px)';

export interface LayoutHost extends ReactiveControllerHost, HTMLElement {
  readonly renderRoot: HTMLElement | DocumentFragment;
}

export class LayoutController implements ReactiveController {
  wide: boolean;
  /** True while the sheet is open (narrow layout only). */
  sheetOpen = false;

  private readonly query = matchMedia(WIDE_LAYOUT_QUERY);
  /** Where focus goes back to when the sheet closes. */
  private opener: HTMLElement | undefined;

  constructor(private readonly host: LayoutHost) {
    this.wide = this.query.matches;
    host.addController(this);
  }

  hostConnected(): void {
    this.query.addEventListener('change', this.onChange);
  }

  hostDisconnected(): void {
    this.query.removeEventListener('change', this.onChange);
  }

  /** Opens the sheet and moves focus into it; `focus` picks what gets it (default: the close button). */
  async openSheet(opener?: HTMLElement, focus?: () => HTMLElement | null | undefined): Promise<void> {
    if (this.wide) return;
    this.opener = opener ?? this.activeElement();
    this.sheetOpen = true;
    this.host.requestUpdate();
    await this.host.updateComplete;
    const sheet = this.sheet();
    if (sheet && !sheet.open) sheet.showModal();
    const target = focus?.() ?? sheet?.querySelector<HTMLElement>('[data-action="close-sheet"]');
    target?.focus();
  }

  closeSheet(): void {
    this.sheet()?.close();
  }

  /** The dialog closed (its button, Escape, or the backdrop): focus returns to where it came from. */
  readonly onSheetClose = (): void => {
    this.sheetOpen = false;
    this.host.requestUpdate();
    const opener = this.opener;
    this.opener = undefined;
    if (opener?.isConnected) opener.focus();
  };

  /** A click on the backdrop lands on the dialog itself (its content fills it): close. */
  readonly onSheetClick = (event: MouseEvent): void => {
    if (event.target === event.currentTarget) this.closeSheet();
  };

  private sheet(): HTMLDialogElement | null {
    return this.host.renderRoot.querySelector('dialog.sheet');
  }

  private activeElement(): HTMLElement | undefined {
    const root = this.host.renderRoot as ShadowRoot;
    return (root.activeElement as HTMLElement | null) ?? undefined;
  }

  private readonly onChange = (event: MediaQueryListEvent): void => {
    this.wide = event.matches;
    // The sheet's content moves into the side column; an open dialog goes with the layout.
    if (this.wide) this.sheetOpen = false;
    this.host.requestUpdate();
  };
}
