// harness.mjs - what the browser tests need around the real daemon: a fresh
// LISTD_HOME, listctl, listd with its web interface on a free loopback port,
// a small SMTP sink that keeps the mail it is handed, and polling with a
// deadline. No mocks: real binaries, real sockets.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, openSync } from 'node:fs';
import { createHmac } from 'node:crypto';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const top = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const build = process.env.LISTD_BUILD || path.join(top, 'build');

export function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

export async function until(fn, what, ms = 30000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = await fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

// An SMTP server on 127.0.0.1 that accepts everything and keeps it.
export function startSink(port) {
  const mails = [];
  const server = net.createServer((sock) => {
    let buf = '', inData = false, rcpts = [], data = '';
    const say = (l) => sock.write(l + '\r\n');
    say('220 sink');
    sock.on('data', (chunk) => {
      buf += chunk.toString('latin1');
      let i;
      while ((i = buf.indexOf('\r\n')) >= 0) {
        const line = buf.slice(0, i); buf = buf.slice(i + 2);
        if (inData) {
          if (line === '.') { inData = false; mails.push({ rcpts, data }); rcpts = []; data = ''; say('250 ok'); }
          else data += line + '\n';
          continue;
        }
        const cmd = line.slice(0, 4).toUpperCase();
        if (cmd === 'EHLO') say('250-sink\r\n250 PIPELINING');
        else if (cmd === 'RCPT') { rcpts.push(line.replace(/.*<(.*)>.*/, '$1')); say('250 ok'); }
        else if (cmd === 'DATA') { inData = true; say('354 go'); }
        else if (cmd === 'QUIT') { say('221 bye'); sock.end(); }
        else say('250 ok');
      }
    });
    sock.on('error', () => {});
  });
  server.listen(port, '127.0.0.1');
  return { mails, close: () => server.close() };
}

export class Listd {
  constructor() {
    this.home = mkdtempSync(path.join(os.tmpdir(), 'listd-browser-'));
  }

  ctl(...args) {
    const p = spawnSync(path.join(build, 'bin', 'listctl'), args, {
      env: { ...process.env, LISTD_HOME: this.home, LISTD_ACTOR: 'browser-test' },
      input: this.input, encoding: 'utf8' });
    this.input = undefined;
    if (p.status !== 0) throw new Error(`listctl ${args.join(' ')}: ${p.stderr}`);
    return p.stdout;
  }

  json(...args) { return JSON.parse(this.ctl('--json', ...args)); }

  async start() {
    this.lmtp = await freePort();
    this.http = await freePort();
    this.sinkPort = await freePort();
    this.sink = startSink(this.sinkPort);
    this.base = `http://127.0.0.1:${this.http}`;
    writeFileSync(path.join(this.home, 'listd.conf'),
      `[listd]\nlog_level = debug\n[lmtp]\nlisten = 127.0.0.1:${this.lmtp}\n` +
      `[delivery]\nrelay = 127.0.0.1:${this.sinkPort}\nretry_min = 1\nretry_max = 2\n` +
      `helo_name = listd.test\n[http]\nlisten = 127.0.0.1:${this.http}\nbase_url = ${this.base}\nthreads = 2\n`);
    const log = openSync(path.join(this.home, 'listd.log'), 'a');
    this.proc = spawn(path.join(build, 'bin', 'listd'), [],
      { env: { ...process.env, LISTD_HOME: this.home }, stdio: ['ignore', log, log] });
    await until(() => fetch(this.base + '/').then((r) => r.ok).catch(() => false), 'listd web');
  }

  unsubSig(slug, list, address) {
    const key = readFileSync(path.join(this.home, 'secret.key'));
    const d = createHmac('sha256', key).update(`unsub:${slug}:${list}:${address.toLowerCase()}`).digest().subarray(0, 16);
    const abc = 'abcdefghijklmnopqrstuvwxyz234567';
    let bits = 0, acc = 0, out = '';
    for (const b of d) {
      acc = (acc << 8) | b; bits += 8;
      while (bits >= 5) { out += abc[(acc >> (bits - 5)) & 31]; bits -= 5; }
      acc &= 0xff;
    }
    if (bits > 0) out += abc[(acc << (5 - bits)) & 31];
    return out;
  }

  stop() {
    if (this.proc) this.proc.kill('SIGTERM');
    if (this.sink) this.sink.close();
  }
}

// Screenshots of a page at both widths go to tests/artifacts/ (git-ignored).
export const artifacts = path.join(top, 'tests', 'artifacts');
export const WIDTHS = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } };

export async function shoot(page, name) {
  mkdirSync(artifacts, { recursive: true });
  for (const [kind, vp] of Object.entries(WIDTHS)) {
    await page.setViewportSize(vp);
    await page.screenshot({ path: path.join(artifacts, `${name}-${kind}.png`), fullPage: true });
  }
  await page.setViewportSize(WIDTHS.desktop);
}

// Headless Chromium with a fresh profile directory per run.
export async function launchBrowser(chromium) {
  return chromium.launchPersistentContext(
    mkdtempSync(path.join(os.tmpdir(), 'listd-chromium-')), {
      executablePath: '/usr/bin/chromium',
      viewport: WIDTHS.desktop,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
}
