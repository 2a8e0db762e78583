#!/usr/bin/env node
// Entry point of `task-monitor`: runs the built launcher (npm run build:engine) under plain Node.
import { runCli } from '../out/engine/launcher/cli.js';

runCli(process.argv.slice(2), process.env).then(
  (code) => {
    if (code !== undefined) process.exitCode = code;
  },
  (error) => {
    console.error(error);
    process.exitCode = 1;
  },
);
