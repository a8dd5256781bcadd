// Drives the read-along page's word-by-word features in headless Chromium
// and checks them through the DOM. Usage: node words.mjs <dir>/index.html
// [screenshot.png] (a picture with a word lit, for a person to look at).
// <dir>/expect.json (written by tests/it/readalong.rs) says what the page
// must show: each word's text, pinyin and times. Exits non-zero with a
// message on the first failure.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [pageHtml, shot] = process.argv.slice(2);
if (!pageHtml) {
  console.error('usage: node words.mjs <index.html>');
  process.exit(2);
}
const want = JSON.parse(readFileSync(join(dirname(resolve(pageHtml)), 'expect.json'), 'utf8'));
const watchdog = setTimeout(() => { console.error('FAIL: timed out after 90 s'); process.exit(1); }, 90_000);

class Failure extends Error {}
function check(ok, what, detail = '') {
  if (!ok) throw new Failure(`${what}${detail ? ` (${detail})` : ''}`);
  console.log(`ok - ${what}`);
}
const near = (a, b, tol = 0.01) => Math.abs(a - b) <= tol;
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

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
  const load = async () => {
    await page.goto(pathToFileURL(resolve(pageHtml)).href);
    await page.waitForFunction(() => document.querySelector('audio').readyState >= 1, null, { timeout: 20_000 })
      .catch(() => { throw new Failure('audio metadata did not load'); });
  };
  await load();
  const id = want.slug;

  // What is shown: every word as written, hanzi with tone-marked pinyin over them.
  const dom = await page.evaluate((sid) => {
    const bare = (el) => { const c = el.cloneNode(true); c.querySelectorAll('rt, rp').forEach((r) => r.remove()); return c.textContent; };
    return {
      words: [...document.querySelectorAll(`#${sid} .w`)].map((w) => ({
        text: bare(w),
        pinyin: [...w.querySelectorAll('rt')].map((r) => r.textContent),
        start: +w.dataset.start,
        end: +w.dataset.end,
      })),
      sentences: [...document.querySelectorAll(`#${sid} .seg`)].map(bare),
      tabStops: [...document.querySelectorAll(`#${sid} .transcript *`)].filter((e) => e.tabIndex >= 0).length,
      rtHidden: [...document.querySelectorAll(`#${sid} rt`)].every((r) => r.getAttribute('aria-hidden') === 'true'),
    };
  }, id);
  check(same(dom.words.map((w) => w.text), want.words.map((w) => w.text)), 'every word is shown as written', JSON.stringify(dom.words.map((w) => w.text)));
  check(same(dom.words.map((w) => w.pinyin), want.words.map((w) => w.ruby)), 'pinyin with tone marks over the hanzi, the spoken reading over a rewritten word', JSON.stringify(dom.words.map((w) => w.pinyin)));
  check(dom.words.every((w, i) => Math.round(w.start * 1000) === want.words[i].startMs && Math.round(w.end * 1000) === want.words[i].endMs), 'word times are the manifest\'s, in ms');
  check(same(dom.sentences, want.sentences), 'sentences read as written, punctuation between the words', JSON.stringify(dom.sentences));
  check(dom.tabStops === want.sentences.length, `one tab stop per sentence, none per word (${dom.tabStops})`);
  check(dom.rtHidden, 'pinyin is hidden from screen readers, which read the characters');

  // Highlight at a set playback time.
  const state = () => page.evaluate((sid) => {
    const words = [...document.querySelectorAll(`#${sid} .w`)];
    const segs = [...document.querySelectorAll(`#${sid} .seg`)];
    const lit = [...document.querySelectorAll('.w.is-spoken')];
    return {
      n: lit.length,
      word: words.indexOf(lit[0]),
      seg: segs.indexOf(document.querySelector('.seg.is-current')),
      t: document.querySelector(`#${sid} audio`).currentTime,
      live: document.getElementById('now-reading')?.textContent,
      focus: words.indexOf(document.activeElement),
    };
  }, id);
  const at = async (t) => {
    await page.evaluate(({ sid, t }) => {
      const a = document.querySelector(`#${sid} audio`);
      a.currentTime = t;
      a.dispatchEvent(new Event('timeupdate'));
    }, { sid: id, t });
    return state();
  };
  for (const k of want.probe) {
    const w = want.words[k];
    const now = await at((w.startMs + w.endMs) / 2000);
    check(now.n === 1 && now.word === k && now.seg === w.sentence, `at ${(w.startMs + w.endMs) / 2000}s the word "${w.text}" and its sentence are highlighted`, JSON.stringify(now));
  }
  const pause = want.pauseMs / 1000;
  let now = await at(pause);
  check(now.n === 0, `in the pause after a sentence (${pause}s) no word is highlighted`, JSON.stringify(now));

  // The live region: each sentence once, as written (no pinyin), not per word.
  await at((want.words[0].startMs + 1) / 1000);
  const changes = await page.evaluate(async ({ sid, times }) => {
    const live = document.getElementById('now-reading');
    let n = 0;
    const seen = new MutationObserver((m) => { n += m.length; });
    seen.observe(live, { childList: true, characterData: true, subtree: true });
    const a = document.querySelector(`#${sid} audio`);
    for (const t of times) { a.currentTime = t; a.dispatchEvent(new Event('timeupdate')); }
    await new Promise((r) => setTimeout(r, 50));
    seen.disconnect();
    return { n, text: live.textContent, polite: live.getAttribute('aria-live') };
  }, { sid: id, times: want.words.filter((w) => w.sentence === 0).map((w) => (w.startMs + 5) / 1000) });
  check(changes.polite === 'polite' && changes.text === want.sentences[0], 'the live region tells the sentence as written', JSON.stringify(changes));
  check(changes.n === 0, 'moving word by word within the sentence announces nothing more', `${changes.n} changes`);

  // Clicking a word plays from it.
  await page.evaluate(() => {
    window.__plays = 0;
    for (const a of document.querySelectorAll('audio')) a.play = function () { window.__plays++; return Promise.resolve(); };
  });
  const target = want.probe[want.probe.length - 1];
  await page.click(`#${id} .w >> nth=${target}`);
  now = await state();
  const plays = await page.evaluate(() => window.__plays);
  check(near(now.t, want.words[target].startMs / 1000) && now.word === target && plays === 1, `clicking "${want.words[target].text}" seeks to its start and plays`, JSON.stringify({ ...now, plays }));

  // Keyboard: Shift+arrows move word by word, Enter or Space plays from the focused word.
  await at((want.words[0].startMs + 5) / 1000);
  await page.focus(`#${id} .seg >> nth=0`);
  await page.keyboard.press('Shift+ArrowRight');
  await page.keyboard.press('Shift+ArrowRight');
  now = await state();
  check(now.focus === 2 && now.word === 2 && near(now.t, want.words[2].startMs / 1000), 'Shift+ArrowRight twice focuses and seeks two words on', JSON.stringify(now));
  await page.keyboard.press('Shift+ArrowLeft');
  now = await state();
  check(now.focus === 1 && now.word === 1 && near(now.t, want.words[1].startMs / 1000), 'Shift+ArrowLeft goes back a word', JSON.stringify(now));
  const before = await page.evaluate(() => window.__plays);
  await page.keyboard.press('Enter');
  await page.keyboard.press(' ');
  now = await state();
  check(await page.evaluate(() => window.__plays) === before + 2 && near(now.t, want.words[1].startMs / 1000), 'Enter and Space on a word play from it');

  // Real playback: the highlight follows the audio frame by frame.
  await page.evaluate(() => { for (const a of document.querySelectorAll('audio')) delete a.play; });
  const follow = await page.evaluate(async ({ sid, words }) => {
    const a = document.querySelector(`#${sid} audio`);
    const all = [...document.querySelectorAll(`#${sid} .w`)];
    a.currentTime = words[0].startMs / 1000;
    await a.play();
    const expected = (t) => {
      let found = -1;
      words.forEach((w, i) => { if (w.startMs / 1000 <= t + 0.0005 && t < w.sentenceEndMs / 1000) found = i; });
      return found;
    };
    // The page updates in its own frame callback, which may run after this
    // one: the word lit may be the one for the previous frame's time.
    const samples = [];
    const until = performance.now() + 1800;
    let previous = a.currentTime;
    while (performance.now() < until) {
      await new Promise((r) => requestAnimationFrame(r));
      const t = a.currentTime;
      samples.push({ t, lit: all.indexOf(document.querySelector('.w.is-spoken')), ok: [expected(t), expected(previous), expected(t - 0.05)] });
      previous = t;
    }
    a.pause();
    return samples;
  }, { sid: id, words: want.words });
  const wrong = follow.filter((s) => !s.ok.includes(s.lit));
  const moved = new Set(follow.map((s) => s.lit)).size;
  check(follow.length > 20 && moved >= 3 && wrong.length === 0, `while playing the highlight follows the audio (${follow.length} frames, ${moved} words lit)`, JSON.stringify(wrong.slice(0, 3)));

  // The pinyin switch, remembered across a reload.
  const pinyin = () => page.evaluate((sid) => ({
    shown: [...document.querySelectorAll(`#${sid} rt`)].every((r) => getComputedStyle(r).display !== 'none' && r.getBoundingClientRect().height > 0),
    hidden: [...document.querySelectorAll(`#${sid} rt`)].every((r) => getComputedStyle(r).display === 'none'),
    pressed: document.querySelector('button.pinyin').getAttribute('aria-pressed'),
  }), id);
  let p = await pinyin();
  check(p.shown && p.pressed === 'true', 'pinyin is shown at first, the switch pressed', JSON.stringify(p));
  await page.click('button.pinyin');
  p = await pinyin();
  check(p.hidden && p.pressed === 'false', 'the switch hides the pinyin', JSON.stringify(p));
  await load();
  p = await pinyin();
  check(p.hidden && p.pressed === 'false', 'hidden pinyin stays hidden after a reload', JSON.stringify(p));
  await page.click('button.pinyin');
  await load();
  p = await pinyin();
  check(p.shown && p.pressed === 'true', 'shown again, and so after another reload', JSON.stringify(p));

  // Speed: slower keeps the pitch, and is remembered.
  const speed = () => page.evaluate((sid) => {
    const a = document.querySelector(`#${sid} audio`);
    return { rate: a.playbackRate, pitch: a.preservesPitch, pressed: [...document.querySelectorAll('.speed button[aria-pressed="true"]')].map((b) => b.dataset.rate) };
  }, id);
  let s = await speed();
  check(s.rate === 1 && same(s.pressed, ['1']), 'normal speed at first', JSON.stringify(s));
  await page.click('.speed button[data-rate="0.75"]');
  s = await speed();
  check(s.rate === 0.75 && s.pitch === true && same(s.pressed, ['0.75']), 'the 0.75× button slows playback and keeps the pitch', JSON.stringify(s));
  await load();
  s = await speed();
  check(s.rate === 0.75 && s.pitch === true, 'the speed is kept after a reload', JSON.stringify(s));

  if (shot) {
    const k = want.probe[0];
    await at((want.words[k].startMs + want.words[k].endMs) / 2000);
    await page.screenshot({ path: shot });
    console.log(`screenshot: ${shot}`);
  }
  check(problems.length === 0, 'no console errors or page errors', problems.join('; '));
  console.log('word-by-word read-along: all checks passed');
} catch (e) {
  console.error(`FAIL: ${e instanceof Failure ? e.message : e.stack || e}`);
  code = 1;
} finally {
  clearTimeout(watchdog);
  await context?.close().catch(() => {});
  rmSync(profile, { recursive: true, force: true });
}
process.exit(code);
