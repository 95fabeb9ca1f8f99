/**
 * The Copy button of a code block in a reply. Says what happened in the block's status region
 * (read out by screen readers) and on the button; where the clipboard is refused (an insecure
 * page, a denied permission) it selects the code so the reader can copy it with the keyboard.
 */

/** How long "Copied" stays on the button. */
const FEEDBACK_MS = 2000;
const feedbackTimers = new WeakMap<HTMLButtonElement, number>();

function show(button: HTMLButtonElement, buttonText: string, status: string): void {
  const region = button.parentElement?.querySelector('.copy-status');
  if (region) region.textContent = status;
  button.textContent = buttonText;
  clearTimeout(feedbackTimers.get(button));
  feedbackTimers.set(
    button,
    window.setTimeout(() => {
      button.textContent = 'Copy';
      if (region) region.textContent = '';
    }, FEEDBACK_MS),
  );
}

/** Copies the code of the block `button` belongs to. */
export async function copyCode(button: HTMLButtonElement): Promise<void> {
  const code = button.closest('.code-block')?.querySelector('code');
  if (!code) return;
  try {
    await navigator.clipboard.writeText(code.textContent ?? '');
    show(button, 'Copied', 'Code copied to the clipboard.');
  } catch {
    window.getSelection()?.selectAllChildren(code);
    const keys = /Mac|iPhone|iPad/.test(navigator.userAgent) ? '⌘C' : 'Ctrl+C';
    show(button, 'Copy', `The browser did not allow copying: the code is selected, press ${keys} to copy it.`);
  }
}
