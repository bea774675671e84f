// Test-only: Debian's Chromium, driven headless through playwright-core (which never downloads
// a browser of its own here: it is given Debian's). Installed from Debian's packages the first
// time a test needs it, as test/hub/up.sh installs what the hub needs.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** Installs Debian's chromium package if it is missing (apt-get, waiting for the dpkg lock). */
export function ensureChromium(): string {
  if (existsSync(CHROMIUM)) return CHROMIUM;
  const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
  const apt = [...sudo, 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', '-o', 'DPkg::Lock::Timeout=600', '-y'];
  const install = () => spawnSync(apt[0]!, [...apt.slice(1), 'install', '--no-install-recommends', 'chromium'], { encoding: 'utf8' });
  let r = install();
  if (r.status !== 0) {
    execFileSync(apt[0]!, [...apt.slice(1), 'update'], { stdio: 'ignore' });
    r = install();
  }
  if (r.status !== 0 || !existsSync(CHROMIUM)) throw new Error(`apt-get install chromium failed:\n${(r.stderr || r.stdout).slice(-2000)}`);
  return CHROMIUM;
}

export interface Headless {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** A headless Chromium of its own: a fresh profile (its --user-data-dir), nothing that talks to the network by itself. */
export async function launchChromium(viewport = { width: 1280, height: 900 }): Promise<Headless> {
  const executablePath = ensureChromium();
  const profile = mkdtempSync(join(tmpdir(), 'chromium-profile-'));
  // Playwright passes the profile folder to Chromium as --user-data-dir.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    viewport,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A picture of the top of a page (a report's overview and first charts), for the README. */
export async function screenshot(htmlFile: string, pngFile: string, size = { width: 1200, height: 1500 }): Promise<void> {
  const chromium = await launchChromium(size);
  try {
    const page = await chromium.context.newPage();
    await page.goto(`file://${htmlFile}`);
    await page.screenshot({ path: pngFile });
  } finally {
    await chromium.close();
  }
}
