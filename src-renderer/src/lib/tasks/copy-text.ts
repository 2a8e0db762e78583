/**
 * Copies text to the clipboard: the Clipboard API where the page may use it (secure contexts:
 * https, localhost), else the older selection-based copy, which also works on a plain-http LAN
 * address. Resolves to whether it worked. Browser only.
 */
export async function copyText(text: string): Promise<boolean> {
  try {
    if (window.isSecureContext && navigator.clipboard) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // denied: fall back below
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.className = 'visually-hidden';
  document.body.append(area);
  area.select();
  try {
    return document.execCommand('copy');
  } catch {
    return false;
  } finally {
    area.remove();
  }
}

/**
 * The last characters of a task id, enough to tell tasks apart on screen. The last ones, not the
 * first: task ids are UUIDv7, whose first digits are the creation time, shared by tasks started
 * together; the tail is random.
 */
export function shortId(id: string, length = 8): string {
  return id.length <= length + 1 ? id : `…${id.slice(-length)}`;
}
