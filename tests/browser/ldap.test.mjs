// ldap.test.mjs - signing in with a district's directory password in
// headless Chromium: a private slapd (tests/e2e/slapd.py serve) and the real
// daemon; a district admin from the directory group reaches the district
// dashboard, a wrong password and a filter in the name are refused with
// the same words. Screenshots go to tests/artifacts/ (git-ignored).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { Listd } from './harness.mjs';

const here = path.dirname(new URL(import.meta.url).pathname);
const artifacts = path.resolve(here, '../artifacts');
let d, browser, slapd, dir;

// Start the slapd helper and read its one JSON line.
function startSlapd() {
  const p = spawn('/usr/bin/python3', [path.resolve(here, '../e2e/slapd.py'), 'serve',
    mkdtempSync(path.join(os.tmpdir(), 'listd-slapd-'))], { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('slapd helper did not start')), 30000);
    p.on('exit', (code) => reject(new Error(`slapd helper exited ${code}`)));
    p.stdout.on('data', (c) => {
      out += c;
      if (out.includes('\n')) { clearTimeout(timer); resolve([p, JSON.parse(out)]); }
    });
  });
}

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  [slapd, dir] = await startSlapd();
  d = new Listd();
  d.ctl('district', 'add', 'north', '--domain', 'north.example.org', '--name', 'North School District');
  d.ctl('source', 'set', 'north', '--type', 'ldap', '--setting', `uri=${dir.uri}`,
    '--setting', `base=${dir.base}`, '--setting', `bind-dn=${dir.bind_dn}`,
    '--setting', `password-file=${dir.password_file}`, '--setting', 'login=yes',
    '--setting', `role-group.district-admin=${dir.admins}`);
  await d.start();
  browser = await chromium.launchPersistentContext(
    mkdtempSync(path.join(os.tmpdir(), 'listd-chromium-')), {
      executablePath: '/usr/bin/chromium',
      viewport: { width: 1280, height: 800 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
});

after(async () => {
  if (browser) await browser.close();
  if (d) d.stop();
  if (slapd) {
    const gone = new Promise((r) => slapd.once('exit', r));
    slapd.removeAllListeners('exit');
    slapd.stdin.end();
    await gone;
  }
});

async function signIn(page, user, password) {
  await page.goto(d.base + '/d/north/login');
  await page.fill('input[name=username]', user);
  await page.fill('input[name=password]', password);
  await page.click('button:has-text("Sign in")');
}

test('a directory district admin signs in at the district page', async () => {
  await browser.clearCookies();
  const page = await browser.newPage();
  await page.goto(d.base + '/d/north/login');
  assert.match(await page.textContent('h1'), /Sign in to North School District/);
  await page.screenshot({ path: path.join(artifacts, 'ldap-01-login.png'), fullPage: true });
  await signIn(page, 'ann', dir.user_password);
  await page.waitForURL('**/admin/');
  await page.goto(d.base + '/admin/d/north/');
  assert.equal(await page.locator('main').count(), 1);
  assert.doesNotMatch(await page.textContent('main'), /denied/i);
  await page.screenshot({ path: path.join(artifacts, 'ldap-02-dashboard.png'), fullPage: true });
});

test('a wrong password and a filter in the name get the same refusal', async () => {
  await browser.clearCookies();
  const page = await browser.newPage();
  for (const [user, pw] of [['ann', 'not-the-password'], ['*)(uid=*', dir.user_password]]) {
    await signIn(page, user, pw);
    assert.match(await page.textContent('main'), /Wrong user name or password/);
  }
  await page.screenshot({ path: path.join(artifacts, 'ldap-03-refused.png'), fullPage: true });
});
