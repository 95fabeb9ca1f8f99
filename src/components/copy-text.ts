/**
 * Copies text to the clipboard: through the Clipboard API where the page may use it, else through
 * a hidden text box and `document.execCommand('copy')` (browsers or pages where the API is
 * missing or refused, such as a page served over http or a frame without clipboard permission).
 * Resolves whether it worked, so the caller can say so, or select the text for the person.
 */
export async function copyText(text: string, scratch: ParentNode): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // No Clipboard API, or the browser refused it here: try the older way.
  }
  const box = document.createElement('textarea');
  box.value = text;
  box.setAttribute('readonly', '');
  box.setAttribute('aria-hidden', 'true');
  box.style.cssText = 'position:fixed;top:0;left:0;width:1px;height:1px;opacity:0;';
  scratch.append(box);
  box.select();
  let copied = false;
  try {
    copied = document.execCommand('copy');
  } catch {
    copied = false;
  }
  box.remove();
  return copied;
}

/** Selects the text of `element`, so the person can copy it themselves (Ctrl+C or the menu). */
export function selectText(element: Element): void {
  const selection = getSelection();
  selection?.removeAllRanges();
  const range = document.createRange();
  range.selectNodeContents(element);
  selection?.addRange(range);
}
