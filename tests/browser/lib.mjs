// Shared browser setup for the handbook browser tests: Debian's Chromium,
// headless, with the flags this machine needs, and a fresh profile each run.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

export async function launch() {
  const profile = mkdtempSync(join(tmpdir(), 'handbook-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/// Collects failures; prints a summary line that cargo's harness reads.
export class Report {
  constructor(name) { this.name = name; this.failures = []; this.checks = 0; }
  check(ok, message) { this.checks += 1; if (!ok) this.failures.push(message); }
  finish() {
    for (const f of this.failures) console.log(`FAIL ${f}`);
    console.log(`${this.name}: ${this.checks - this.failures.length} passed, ${this.failures.length} failed`);
    process.exit(this.failures.length ? 1 : 0);
  }
}
