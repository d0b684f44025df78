// site.test.mjs - the site administrator in headless Chromium against the
// real daemon: creates a district, adds its administrator with a generated
// password (shown once), and that administrator signs in and sees only
// their own district. Screenshots at desktop and phone widths go to
// tests/artifacts/site-*.png (git-ignored).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { Listd, launchBrowser, shoot } from './harness.mjs';

const PASSWORD = 'correct-horse-battery';
let d, browser;

async function signIn(page, user, pw) {
  await page.goto(d.base + '/login');
  await page.fill('input[name=username]', user);
  await page.fill('input[name=password]', pw);
  await page.click('button:has-text("Sign in")');
  await page.waitForURL('**/admin/');
}

before(async () => {
  d = new Listd();
  d.ctl('district', 'add', 'north', '--domain', 'north.example.org', '--name', 'North School District');
  const pw = path.join(d.home, 'pw');
  writeFileSync(pw, PASSWORD + '\n');
  d.ctl('admin', 'add', 'root', '--site', '--password-file', pw);
  await d.start();
  browser = await launchBrowser(chromium);
});

after(async () => {
  if (browser) await browser.close();
  if (d) d.stop();
});

test('site admin creates a district and its administrator, who sees only that district', async () => {
  await browser.clearCookies();
  const page = await browser.newPage();
  page.on('dialog', () => { throw new Error('a dialog opened: script ran'); });
  await signIn(page, 'root', PASSWORD);
  await page.click('a:has-text("Manage districts")');
  await page.waitForURL('**/admin/districts');
  await page.fill('input[name=slug]', 'lakeview');
  await page.fill('input[name=name]', 'Lakeview Unified');
  await page.fill('input[name=domain]', 'lakeview.example.org');
  await page.check('input[name=students_email]');
  await shoot(page, 'site-01-districts');
  await page.click('button:has-text("Add district")');
  await page.waitForURL('**/admin/districts/lakeview');
  await page.fill('input[name=user]', 'lv-admin');
  await page.fill('input[name=email]', 'it@lakeview.example.org');
  await page.click('button:has-text("Add administrator")');
  await page.waitForSelector('code.secret');
  const secret = (await page.textContent('code.secret')).trim();
  assert.equal(secret.length, 20);
  await shoot(page, 'site-02-password-once');
  await page.click('a:has-text("Back")');
  await page.waitForURL('**/admin/districts/lakeview');
  assert.match(await page.textContent('main'), /lv-admin/);
  await shoot(page, 'site-03-district');
  await page.goto(d.base + '/admin/tokens');
  await page.fill('input[name=name]', 'SIS sync');
  await page.selectOption('select[name=district]', 'lakeview');
  await page.click('button:has-text("Make token")');
  await page.waitForSelector('code.secret');
  await page.goto(d.base + '/admin/tokens');
  assert.match(await page.textContent('main'), /SIS sync/);
  await shoot(page, 'site-04-tokens');
  assert.equal(d.json('district', 'show', 'lakeview').district.students_have_email, true);

  // The new administrator: sees Lakeview, not North, and not the site pages.
  await browser.clearCookies();
  await signIn(page, 'lv-admin', secret);
  const home = await page.textContent('main');
  assert.match(home, /lakeview/);
  assert.doesNotMatch(home, /north/);
  await shoot(page, 'site-05-new-admin-home');
  await page.click('a:has-text("lakeview")');
  await page.waitForURL('**/admin/d/lakeview/');
  assert.match(await page.textContent('h1'), /Lakeview Unified/);
  const north = await page.goto(d.base + '/admin/d/north/');
  assert.equal(north.status(), 403);
  const sitePage = await page.goto(d.base + '/admin/districts');
  assert.equal(sitePage.status(), 403);
});
