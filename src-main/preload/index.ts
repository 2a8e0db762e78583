// Preload of the main window. Runs sandboxed (bundled to CommonJS: a sandboxed preload cannot
// load ES modules or anything but a few Electron modules) in an isolated world, and hands the
// page a small, frozen API through the context bridge.
import { contextBridge, ipcRenderer } from 'electron';
import { versionFromArgv } from '../shared/ipc-contract.js';
import { createDesktopApi } from './desktop-api.js';

contextBridge.exposeInMainWorld(
  'taskMonitor',
  createDesktopApi(ipcRenderer, { version: versionFromArgv(process.argv), platform: process.platform }),
);
