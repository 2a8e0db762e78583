import { isAppUrl } from './app-origin.js';

/**
 * Permissions the app's own pages may have. Empty: the UI needs no camera, microphone,
 * geolocation, notifications (the main process shows those), clipboard reads, HID, serial...
 * Add a permission here, with the reason, only when a feature needs it.
 */
export const GRANTED_PERMISSIONS: ReadonlySet<string> = new Set<string>();

/**
 * Answers both of Electron's permission handlers (checklist 5): requests and checks are denied
 * unless the permission is in {@link GRANTED_PERMISSIONS} and the page asking is the app's own.
 */
export function isPermissionGranted(permission: string, requestingUrl: string | undefined, appOrigin: string): boolean {
  return GRANTED_PERMISSIONS.has(permission) && requestingUrl !== undefined && isAppUrl(requestingUrl, appOrigin);
}
