// electron-vite's `?asset` imports: the built file's absolute path at run time (see
// electron-vite/node.d.ts, which also declares `?modulePath` and friends).
/// <reference types="electron-vite/node" />
