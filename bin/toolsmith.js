#!/usr/bin/env node
// Runs the CLI from source (TypeScript through tsx), so the command always matches the checkout.
import { register } from 'tsx/esm/api';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

register();
const here = path.dirname(fileURLToPath(import.meta.url));
const { main } = await import(pathToFileURL(path.join(here, '..', 'src', 'main', 'cli.ts')).href);
const code = await main(process.argv.slice(2));
if (code !== 0) process.exitCode = code;
