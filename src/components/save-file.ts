/** Offers text as a file download, without a server: a Blob URL on a temporary link. */
export function saveFile(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started by the time the click returns; a task later is safe to revoke.
  setTimeout(() => URL.revokeObjectURL(url));
}
