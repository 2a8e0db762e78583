import { dialog, type BrowserWindow } from 'electron';
import type { ConfirmPrompt } from './quit-confirmation.js';

/** Shows a {@link ConfirmPrompt} as a message box; true when the user chose to go ahead. */
export async function confirmWithDialog(prompt: ConfirmPrompt, parent: BrowserWindow | undefined): Promise<boolean> {
  const options = {
    type: prompt.type,
    title: prompt.title,
    message: prompt.message,
    detail: prompt.detail,
    buttons: [...prompt.buttons],
    defaultId: prompt.cancelIndex,
    cancelId: prompt.cancelIndex,
    noLink: true,
  };
  const { response } = parent && !parent.isDestroyed() ? await dialog.showMessageBox(parent, options) : await dialog.showMessageBox(options);
  return response === prompt.confirmIndex;
}
