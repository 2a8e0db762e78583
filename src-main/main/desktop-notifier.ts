import { Notification, type NativeImage } from 'electron';
import type { EngineEvent } from '../../src-engine/engine/engine-events.js';
import { taskNotice } from './task-notifications.js';

/**
 * Shows a native notification for each task that completes or fails while the window is not in
 * front (task-notifications.ts decides). Answers the engine listener to subscribe.
 */
export function createDesktopNotifier(options: { isWindowFocused(): boolean; onClick(): void; icon?: NativeImage }): (event: EngineEvent) => void {
  // Electron drops a notification's click handler if the object is garbage collected while it
  // is still on screen, so each one is held until it is clicked or closed.
  const live = new Set<Notification>();
  return (event) => {
    const notice = taskNotice(event, options.isWindowFocused());
    if (!notice || !Notification.isSupported()) return;
    const notification = new Notification({ title: notice.title, body: notice.body, ...(options.icon ? { icon: options.icon } : {}) });
    live.add(notification);
    notification.on('click', () => {
      live.delete(notification);
      options.onClick();
    });
    notification.on('close', () => live.delete(notification));
    notification.show();
  };
}
