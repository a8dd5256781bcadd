// Drives briefcast's read-along page in headless Chromium and checks it
// through the DOM. Usage: node readalong.mjs <dir>/index.html <screenshot.png>
// If <dir>/expect.json exists (written by tests/it/readalong.rs) the page is
// compared with it. Exits non-zero with a message on the first failure.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [page_html, shot] = process.argv.slice(2);
if (!page_html || !shot) {
  console.error('usage: node readalong.mjs <index.html> <screenshot.png>');
  process.exit(2);
}
const expectPath = join(dirname(resolve(page_html)), 'expect.json');
const expected = existsSync(expectPath) ? JSON.parse(readFileSync(expectPath, 'utf8')) : null;
const watchdog = setTimeout(() => { console.error('FAIL: timed out after 90 s'); process.exit(1); }, 90_000);

class Failure extends Error {}
function check(ok, what, detail = '') {
  if (!ok) throw new Failure(`${what}${detail ? ` (${detail})` : ''}`);
  console.log(`ok - ${what}`);
}
const near = (a, b, tol = 0.01) => Math.abs(a - b) <= tol;

const profile = mkdtempSync(join(tmpdir(), 'briefcast-chromium-'));
let context;
let code = 0;
try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--autoplay-policy=no-user-gesture-required'],
    viewport: { width: 1280, height: 900 },
  });
  const page = context.pages()[0] ?? await context.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => {
    // Media loading cancels its own requests (ERR_ABORTED) as it seeks; anything else is a fault.
    const why = r.failure()?.errorText ?? '';
    if (!why.includes('ERR_ABORTED')) problems.push(`request failed: ${r.url()} ${why}`);
  });
  await page.goto(pathToFileURL(resolve(page_html)).href);
  await page.waitForFunction(() => [...document.querySelectorAll('audio')].every((a) => a.readyState >= 1),
    null, { timeout: 20_000 }).catch(() => { throw new Failure('audio metadata did not load'); });

  // Structure: every episode and chapter listed.
  const dom = await page.evaluate(() => ({
    lang: document.documentElement.lang,
    h1: document.querySelector('h1')?.textContent,
    episodes: [...document.querySelectorAll('section.episode')].map((s) => ({
      id: s.id,
      speaker: s.querySelector('h2')?.textContent,
      audio: !!s.querySelector('audio[controls][preload="metadata"]:not([autoplay]) track[kind="captions"]'),
      duration: s.querySelector('audio').duration,
      links: [...s.querySelectorAll('nav.chapters a')].map((a) => ({ text: a.textContent, href: a.getAttribute('href'), start: +a.dataset.start, target: !!document.getElementById(a.getAttribute('href').slice(1)) })),
      headings: [...s.querySelectorAll('.transcript h3')].map((h) => h.textContent),
      sentences: [...s.querySelectorAll('.seg')].map((e) => ({ text: e.textContent, start: +e.dataset.start, tab: e.tabIndex })),
    })),
    buttons: [...document.querySelectorAll('nav.speakers button.listen')].map((b) => b.dataset.episode),
  }));
  check(dom.lang === 'zh-CN', 'html lang is zh-CN', dom.lang);
  check(dom.episodes.length > 0, `page has ${dom.episodes.length} episode section(s)`);
  for (const ep of dom.episodes) {
    check(ep.audio, `${ep.id}: audio has controls, preload=metadata, no autoplay, a captions track`);
    check(ep.links.length > 0 && ep.links.length === ep.headings.length && ep.links.every((l, i) => l.text === ep.headings[i] && l.target),
      `${ep.id}: ${ep.links.length} chapter links, each to its heading`);
    check(ep.sentences.length > 0 && ep.sentences.every((s) => s.tab === 0), `${ep.id}: ${ep.sentences.length} focusable sentences`);
    check(dom.buttons.includes(ep.id), `${ep.id}: has a play button at the top`);
  }
  if (expected) {
    check(dom.h1 === expected.title, 'show title shown as written', dom.h1);
    check(dom.episodes.length === expected.episodes.length, `all ${expected.episodes.length} episodes listed`);
    expected.episodes.forEach((want, i) => {
      const got = dom.episodes[i];
      check(got.id === want.slug && got.speaker === want.speaker, `episode ${i + 1} is ${want.speaker}`, `${got.id} ${got.speaker}`);
      check(JSON.stringify(got.links.map((l) => l.text)) === JSON.stringify(want.chapters), `${want.slug}: every chapter listed in order`);
      check(got.links.every((l, j) => Math.round(l.start * 1000) === want.chapterStartsMs[j]), `${want.slug}: chapter starts match`);
      check(JSON.stringify(got.sentences.map((s) => s.text)) === JSON.stringify(want.sentences), `${want.slug}: every sentence shown as written`);
      check(got.sentences.every((s, j) => Math.round(s.start * 1000) === want.sentenceStartsMs[j]), `${want.slug}: sentence starts match the cue times`);
    });
  }

  // Chapter link: seeks to the chapter start and asks to play.
  const ep0 = dom.episodes[0];
  const third = ep0.links[Math.min(2, ep0.links.length - 1)];
  await page.evaluate(() => {
    window.__plays = 0;
    for (const a of document.querySelectorAll('audio')) a.play = function () { window.__plays++; return Promise.resolve(); };
  });
  await page.click(`#${ep0.id} nav.chapters a[href="${third.href}"]`);
  const afterLink = await page.evaluate((id) => ({ t: document.querySelector(`#${id} audio`).currentTime, plays: window.__plays, hash: location.hash }), ep0.id);
  check(near(afterLink.t, third.start), `clicking chapter "${third.text}" seeks to ${third.start}s`, `currentTime ${afterLink.t}`);
  check(afterLink.plays === 1, 'clicking a chapter starts playback');
  check(afterLink.hash === third.href, 'chapter link is a real link', afterLink.hash);

  // Highlight follows currentTime.
  const current = (id) => page.evaluate((sid) => {
    const marked = [...document.querySelectorAll('.is-current.seg, .seg[aria-current], [aria-current="true"]')];
    const segs = [...document.querySelectorAll(`#${sid} .seg`)];
    return { n: marked.length, index: segs.indexOf(marked[0]), aria: marked[0]?.getAttribute('aria-current'), t: document.querySelector(`#${sid} audio`).currentTime };
  }, id);
  const k = Math.min(3, ep0.sentences.length - 2);
  await page.evaluate(({ id, t }) => {
    const a = document.querySelector(`#${id} audio`);
    a.currentTime = t;
    a.dispatchEvent(new Event('timeupdate'));
  }, { id: ep0.id, t: ep0.sentences[k].start });
  let now = await current(ep0.id);
  check(now.n === 1 && now.index === k && now.aria === 'true', `currentTime ${ep0.sentences[k].start}s highlights exactly sentence ${k + 1}`, JSON.stringify(now));
  const visible = await page.waitForFunction((id) => {
    const r = document.querySelector(`#${id} .seg.is-current`).getBoundingClientRect();
    return r.top < innerHeight && r.bottom > 0; // smooth scrolling may take a moment
  }, ep0.id, { timeout: 3000 }).then(() => true, () => false);
  check(visible, 'highlighted sentence is scrolled into view');

  // Keyboard: ArrowRight / ArrowLeft move the highlight and seek.
  await page.focus(`#${ep0.id} .seg.is-current`);
  await page.keyboard.press('ArrowRight');
  now = await current(ep0.id);
  check(now.n === 1 && now.index === k + 1 && near(now.t, ep0.sentences[k + 1].start), 'ArrowRight moves to the next sentence and seeks', JSON.stringify(now));
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  now = await current(ep0.id);
  check(now.n === 1 && now.index === k - 1 && near(now.t, ep0.sentences[k - 1].start), 'ArrowLeft twice moves back two sentences and seeks', JSON.stringify(now));

  // Clicking a sentence seeks to it.
  await page.click(`#${ep0.id} .seg >> nth=0`);
  now = await current(ep0.id);
  check(now.index === 0 && near(now.t, ep0.sentences[0].start), 'clicking a sentence seeks to it', JSON.stringify(now));

  // Space toggles real playback; only one episode plays at a time.
  await page.evaluate(() => { for (const a of document.querySelectorAll('audio')) delete a.play; });
  await page.focus(`#${ep0.id} .seg >> nth=1`);
  await page.keyboard.press(' ');
  await page.waitForFunction((id) => !document.querySelector(`#${id} audio`).paused, ep0.id, { timeout: 5000 })
    .catch(() => { throw new Failure('Space did not start playback'); });
  check(true, 'Space starts playback of the focused episode');
  if (dom.episodes.length > 1) {
    await page.evaluate((id) => document.querySelector(`#${id} audio`).play(), dom.episodes[1].id);
    const paused = await page.evaluate((id) => document.querySelector(`#${id} audio`).paused, ep0.id);
    check(paused, 'starting another episode pauses the first');
    await page.evaluate((id) => document.querySelector(`#${id} audio`).pause(), dom.episodes[1].id);
  } else {
    await page.keyboard.press(' ');
    check(await page.evaluate((id) => document.querySelector(`#${id} audio`).paused, ep0.id), 'Space pauses again');
  }

  // The speakers' play buttons: at the top, large, an icon and the name.
  await page.evaluate(() => { for (const a of document.querySelectorAll('audio')) a.pause(); });
  await page.evaluate(() => window.scrollTo({ top: 0, behavior: 'instant' }));
  await page.waitForFunction(() => scrollY === 0, null, { timeout: 3000 });
  const buttons = await page.evaluate(() => {
    const first = document.querySelector('section.episode').getBoundingClientRect().top;
    return [...document.querySelectorAll('nav.speakers button.listen')].map((b) => {
      const r = b.getBoundingClientRect();
      const name = b.querySelector('.name');
      const shown = name.cloneNode(true); // what is seen: without the screen reader's word
      shown.querySelectorAll('.hidden').forEach((h) => h.remove());
      const icon = b.querySelector('svg.icon')?.getBoundingClientRect();
      return {
        episode: b.dataset.episode, name: shown.textContent.trim(), nameSize: parseFloat(getComputedStyle(name).fontSize),
        icon: icon ? Math.min(icon.width, icon.height) : 0, top: r.top, bottom: r.bottom, width: r.width, height: r.height,
        pressed: b.getAttribute('aria-pressed'), first, screen: innerHeight,
      };
    });
  });
  check(JSON.stringify(buttons.map((b) => b.episode)) === JSON.stringify(dom.episodes.map((e) => e.id)), 'a play button per episode, in the episodes\' order');
  buttons.forEach((b, i) => {
    const speaker = dom.episodes[i].speaker;
    check(b.name === speaker, `${b.episode}: the button shows the speaker's name`, b.name);
    check(b.height >= 64 && b.width >= 240 && b.nameSize >= 24 && b.icon >= 48,
      `${b.episode}: the button is large (${Math.round(b.width)}×${Math.round(b.height)} px, name ${b.nameSize}px, icon ${b.icon}px)`);
    check(b.bottom <= b.first && b.bottom <= b.screen, `${b.episode}: the button is above the episodes, on the first screen`, JSON.stringify(b));
    check(b.pressed === 'false', `${b.episode}: not pressed while nothing plays`);
  });
  const play = dom.lang.startsWith('zh') ? '播放' : 'Play';
  for (const ep of dom.episodes) {
    const named = await page.getByRole('button', { name: `${play} ${ep.speaker}`, exact: false }).count();
    check(named === 1, `${ep.id}: a screen reader hears "${play} ${ep.speaker}"`);
  }
  const last = dom.episodes[dom.episodes.length - 1];
  const button = `nav.speakers button.listen[data-episode="${last.id}"]`;
  // The heading and the first sentence both on screen.
  const textShown = (id) => {
    const seen = (el) => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; };
    return seen(document.querySelector(`#${id} h2`)) && seen(document.querySelector(`#${id} .seg`));
  };
  check(!(await page.evaluate(textShown, last.id)), `${last.id}'s text is off screen before its button is pressed`);
  await page.click(button);
  await page.waitForFunction((id) => !document.querySelector(`#${id} audio`).paused, last.id, { timeout: 5000 })
    .catch(() => { throw new Failure(`${last.id}'s button did not start its episode`); });
  check(true, `${last.id}'s button starts its episode`);
  const inView = await page.waitForFunction(textShown, last.id, { timeout: 3000 }).then(() => true, () => false);
  check(inView, `${last.id}'s text is brought into view`);
  const state = await page.evaluate((b) => ({
    pressed: [...document.querySelectorAll('nav.speakers button.listen')].map((x) => x.getAttribute('aria-pressed')),
    playing: [...document.querySelectorAll('audio')].map((a) => !a.paused),
  }), button);
  check(JSON.stringify(state.pressed) === JSON.stringify(dom.episodes.map((e) => String(e.id === last.id))), 'only the playing episode\'s button is pressed', JSON.stringify(state));
  check(JSON.stringify(state.playing) === JSON.stringify(dom.episodes.map((e) => e.id === last.id)), 'only that episode plays', JSON.stringify(state));
  // The keyboard works on the episode the button started.
  await page.keyboard.press('ArrowRight');
  now = await current(last.id);
  check(now.n === 1 && now.index >= 0, `ArrowRight after the button moves within ${last.id}`, JSON.stringify(now));
  await page.click(button);
  await page.waitForFunction((b) => document.querySelector(b).getAttribute('aria-pressed') === 'false', button, { timeout: 3000 })
    .catch(() => { throw new Failure('pressing the button again did not pause'); });
  check(await page.evaluate((id) => document.querySelector(`#${id} audio`).paused, last.id), 'pressing it again pauses');

  // Text size: A+ enlarges, and is remembered.
  const size = () => page.evaluate((id) => parseFloat(getComputedStyle(document.querySelector(`#${id} .seg`)).fontSize), ep0.id);
  const body = await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
  check(body >= 20, `body type is at least 20px`, `${body}px`);
  const before = await size();
  await page.click('.textsize button[data-step="1"]');
  const after = await size();
  check(after > before, `A+ enlarges the text (${before}px → ${after}px)`);
  await page.reload();
  check(near(await size(), after, 0.5), 'text size is kept after a reload');
  await page.click('.textsize button[data-step="-1"]');
  check(near(await size(), before, 0.5), 'A− makes it smaller again');

  // Pictures: desktop, then a phone width with no sideways scrolling.
  await page.evaluate((id) => {
    const a = document.querySelector(`#${id} audio`);
    a.currentTime = +document.querySelectorAll(`#${id} .seg`)[2].dataset.start;
  }, ep0.id);
  await page.click(`nav.speakers button.listen[data-episode="${ep0.id}"]`); // shown playing
  await page.waitForTimeout(300);
  await page.screenshot({ path: shot, fullPage: true });
  console.log(`screenshot: ${shot}`);
  await page.setViewportSize({ width: 390, height: 844 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
  check(overflow <= 0, 'no horizontal scrolling at 390px', `${overflow}px too wide`);
  const narrow = shot.replace(/(\.png)?$/, '-narrow.png');
  await page.screenshot({ path: narrow, fullPage: true });
  console.log(`screenshot: ${narrow}`);

  check(problems.length === 0, 'no console errors, page errors or failed requests', problems.join('; '));
  console.log('read-along page: all checks passed');
} catch (e) {
  console.error(`FAIL: ${e instanceof Failure ? e.message : e.stack || e}`);
  code = 1;
} finally {
  clearTimeout(watchdog);
  await context?.close().catch(() => {});
  rmSync(profile, { recursive: true, force: true });
}
process.exit(code);
