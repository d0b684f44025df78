// web.test.mjs - the web interface in headless Chromium against the real
// daemon: sign in, create a list, add members, approve a held post (with a
// script inside) and see it in the archive without the script running,
// subscribe through the public page and confirm by the mailed link, and
// unsubscribe with one click. Screenshots of each page at desktop and
// phone widths go to tests/artifacts/ (git-ignored).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { Listd, launchBrowser, shoot, until } from './harness.mjs';

const PASSWORD = 'correct-horse-battery';
let d, browser;

async function newPage() {
  await browser.clearCookies();   // each test starts signed out
  const page = await browser.newPage();
  page.on('dialog', () => { throw new Error('a dialog opened: script ran'); });
  return page;
}

before(async () => {
  d = new Listd();
  d.ctl('district', 'add', 'north', '--domain', 'north.example.org', '--name', 'North School District');
  const pw = path.join(d.home, 'pw');
  writeFileSync(pw, PASSWORD + '\n');
  d.ctl('admin', 'add', 'admin', '--district', 'north', '--password-file', pw);
  await d.start();
  browser = await launchBrowser(chromium);
});

after(async () => {
  if (browser) await browser.close();
  if (d) d.stop();
});

test('admin signs in, brands the district, creates a list and adds members', async () => {
  const page = await newPage();
  await page.goto(d.base + '/login');
  await shoot(page, '01-login');
  await page.fill('input[name=username]', 'admin');
  await page.fill('input[name=password]', PASSWORD);
  await page.click('button:has-text("Sign in")');
  await page.waitForURL('**/admin/');
  await shoot(page, '02-admin-home');
  await page.goto(d.base + '/admin/d/north/branding');
  await page.fill('input[name=name]', 'North Schools');
  await page.fill('input[name=logo]', '/d/north/logo.png');
  await page.evaluate(() => { document.querySelector('input[name=accent]').value = '#7a1f3d'; });
  await page.click('button:has-text("Save branding")');
  await page.waitForURL('**/admin/d/north/');
  await page.fill('input[name=name]', 'parents');
  await page.fill('input[name=description]', 'News for parents');
  await page.click('button:has-text("Create list")');
  await page.waitForURL('**/lists/parents/');
  await page.selectOption('select[name=archive]', 'public');
  await page.selectOption('select[name=subscribe]', 'confirm');
  await page.click('button:has-text("Save settings")');
  await shoot(page, '03-list-settings');
  await page.goto(d.base + '/admin/d/north/lists/parents/members');
  for (const a of ['ann@example.org', 'ben@example.org']) {
    await page.fill('input[type=email][name=address]', a);
    await page.click('button:text-is("Add")');
    await page.waitForURL('**/members');
  }
  assert.match(await page.textContent('main'), /2 members match/);
  await shoot(page, '04-members');
  await page.goto(d.base + '/admin/d/north/');
  await shoot(page, '05-dashboard');
  const bg = await page.evaluate(() => getComputedStyle(document.querySelector('header.top')).backgroundColor);
  assert.equal(bg, 'rgb(122, 31, 61)');
});

test('a held post with script is approved and shows in the archive, inert', async () => {
  d.input = 'From: Guest <guest@example.org>\nTo: parents@north.example.org\n' +
    'Subject: Bake sale <script>alert(1)</script>\nMessage-ID: <bake@example.org>\n' +
    'Date: Fri, 27 Nov 2026 10:00:00 +0000\nMIME-Version: 1.0\n' +
    'Content-Type: text/html; charset=utf-8\n\n' +
    '<p>Cakes on Friday<script>alert("x")</script><img src=x onerror="alert(2)"></p>\n';
  d.ctl('inject', 'parents@north.example.org');
  const page = await newPage();
  await page.goto(d.base + '/login');
  await page.fill('input[name=username]', 'admin');
  await page.fill('input[name=password]', PASSWORD);
  await page.click('button:has-text("Sign in")');
  await page.waitForURL('**/admin/');
  await page.goto(d.base + '/admin/d/north/lists/parents/held');
  await shoot(page, '06-held');
  assert.equal(await page.locator('main script').count(), 0);
  await page.check('input[name=id]');
  await page.click('button:has-text("Apply")');
  await page.waitForSelector('text=marked approve');
  const hit = await until(async () => {
    await page.goto(d.base + '/d/north/archive/parents/search?q=cakes');
    return (await page.locator('main ol li a').count()) > 0;
  }, 'the post in the archive');
  assert.ok(hit);
  await shoot(page, '07-archive-search');
  await page.click('main ol li a');
  await page.waitForSelector('text=Cakes on Friday');
  assert.equal(await page.locator('script').count(), 0);
  await shoot(page, '08-archive-message');
  // The district's header band (logo and name) comes from the stylesheet.
  const band = await page.evaluate(() => {
    const s = getComputedStyle(document.body, '::before');
    return { content: s.content, image: s.backgroundImage, bg: s.backgroundColor };
  });
  assert.equal(band.content, '"North Schools"');
  assert.match(band.image, /\/logo\.png/);
  assert.equal(band.bg, 'rgb(122, 31, 61)');
  await until(() => d.sink.mails.some((m) => m.rcpts.includes('ann@example.org')), 'delivery');
});

test('a visitor subscribes on the public page, confirms, and unsubscribes in one click', async () => {
  const page = await newPage();
  await page.goto(d.base + '/d/north/');
  await shoot(page, '09-directory');
  await page.click('text=parents@north.example.org');
  await page.fill('input[name=address]', 'carol@example.org');
  await page.click('button:has-text("Subscribe")');
  await page.waitForSelector('text=Check your mail');
  await shoot(page, '10-subscribe-sent');
  const mail = await until(() => d.sink.mails.find((m) => m.rcpts.includes('carol@example.org')),
    'confirmation mail');
  const url = mail.data.match(/http:\/\/127\.0\.0\.1:\d+\/d\/north\/confirm\/[a-z2-7]{32}/)[0];
  await page.goto(url);
  await shoot(page, '11-confirm');
  await page.click('button:has-text("Confirm")');
  await page.waitForSelector('text=Confirmed');
  const members = () => d.json('member', 'list', 'parents@north.example.org').map((m) => m.address);
  assert.ok(members().includes('carol@example.org'));
  const sig = d.unsubSig('north', 'parents', 'carol@example.org');
  await page.goto(`${d.base}/d/north/lists/parents/unsubscribe?a=carol%40example.org&s=${sig}`);
  await shoot(page, '12-unsubscribe');
  await page.click('button:has-text("Unsubscribe")');
  await page.waitForSelector('text=Unsubscribed');
  await shoot(page, '13-unsubscribed');
  assert.ok(!members().includes('carol@example.org'));
});
