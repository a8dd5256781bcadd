// briefcast read-along: a play button per speaker, highlights the sentence
// and the word being spoken (every animation frame while playing), seeks
// on click, keyboard control, text size, speed (pitch kept), pinyin shown
// or hidden, each new sentence told to screen readers once. Plain script,
// no network: every time it needs is in data-start/data-end attributes, so
// it works from file:// too.
(function () {
  'use strict';

  var EPS = 0.0005; // starts are whole milliseconds; absorb float noise
  var SIZES = [100, 112.5, 125, 137.5, 150, 175, 200, 250]; // % of the browser default
  var DEFAULT_SIZE = 2;
  var KEY = 'briefcast.textSize';
  var SPEED_KEY = 'briefcast.speed';
  var PINYIN_KEY = 'briefcast.pinyin';
  var reduceMotion = window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)');
  var players = [];
  var lastUsed = null;

  function each(list, fn) { Array.prototype.forEach.call(list, fn); }

  function Player(section) {
    var self = this;
    this.section = section;
    this.audio = section.querySelector('audio');
    this.segs = Array.prototype.slice.call(section.querySelectorAll('.seg'));
    this.starts = this.segs.map(function (s) { return parseFloat(s.getAttribute('data-start')); });
    this.ends = this.segs.map(function (s) { return parseFloat(s.getAttribute('data-end')); });
    this.chapters = Array.prototype.slice.call(section.querySelectorAll('nav.chapters a[data-start]'));
    // Every timed word, its start and the sentence it belongs to.
    this.words = Array.prototype.slice.call(section.querySelectorAll('.seg .w'));
    this.wordStarts = this.words.map(function (w) { return parseFloat(w.getAttribute('data-start')); });
    this.wordSeg = this.words.map(function (w) { return self.segs.indexOf(w.closest('.seg')); });
    this.words.forEach(function (w) { w.tabIndex = -1; }); // focusable by Shift+arrows, not a tab stop each
    this.index = -1;
    this.word = -1;
    this.frame = 0;
    if (!this.audio) return;
    var sync = function () { self.sync(); };
    this.audio.addEventListener('timeupdate', sync);
    this.audio.addEventListener('seeked', sync);
    this.audio.addEventListener('play', function () {
      lastUsed = self;
      players.forEach(function (p) { if (p !== self && p.audio && !p.audio.paused) p.audio.pause(); });
      self.follow();
    });
    this.chapters.forEach(function (a) {
      a.addEventListener('click', function () {
        // The link still jumps to the chapter heading; the audio follows it.
        self.seek(parseFloat(a.getAttribute('data-start')));
        self.play();
      });
    });
    this.segs.forEach(function (s, i) {
      s.addEventListener('click', function (e) {
        var j = self.words.indexOf(e.target.closest ? e.target.closest('.w') : null);
        if (j >= 0) self.goWord(j); else self.go(i);
        self.play();
      });
      s.addEventListener('keydown', function (e) {
        var j = self.words.indexOf(e.target);
        if (j >= 0 && (e.key === 'Enter' || e.key === ' ')) {
          e.preventDefault(); self.goWord(j); self.play();
        } else if (e.key === 'Enter') { e.preventDefault(); self.go(i); self.play(); }
      });
    });
  }

  // The word being heard at time t: the last one started, until its
  // sentence ends (so it stays lit between words, not through pauses).
  Player.prototype.wordAt = function (t) {
    var lo = 0, hi = this.wordStarts.length - 1, found = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (this.wordStarts[mid] <= t + EPS) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    if (found >= 0 && t >= this.ends[this.wordSeg[found]] - EPS) return -1;
    return found;
  };

  // While playing, follow the audio every frame (timeupdate comes only a
  // few times a second, too seldom for words).
  Player.prototype.follow = function () {
    var self = this;
    if (this.frame || !this.words.length) return;
    var tick = function () {
      self.frame = 0;
      self.sync();
      if (!self.audio.paused && !self.audio.ended) self.frame = requestAnimationFrame(tick);
    };
    this.frame = requestAnimationFrame(tick);
  };

  // Seek to word j, highlight it and its sentence (focus it for keyboard users).
  Player.prototype.goWord = function (j, focus) {
    j = Math.max(0, Math.min(this.words.length - 1, j));
    this.seek(this.wordStarts[j]);
    this.mark(this.wordSeg[j]);
    this.markWord(j);
    if (focus) {
      try { this.words[j].focus({ preventScroll: true }); } catch (e) { this.words[j].focus(); }
    }
  };

  Player.prototype.markWord = function (j) {
    if (j === this.word) return;
    if (this.word >= 0 && this.words[this.word]) this.words[this.word].classList.remove('is-spoken');
    this.word = j;
    if (j < 0) return;
    this.words[j].classList.add('is-spoken');
    reveal(this.words[j]);
  };

  // The sentence playing at time t: the last one with start <= t.
  Player.prototype.at = function (t) {
    var lo = 0, hi = this.starts.length - 1, found = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (this.starts[mid] <= t + EPS) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return found;
  };

  Player.prototype.sync = function () {
    var t = this.audio.currentTime;
    this.mark(this.at(t));
    if (this.words.length) this.markWord(this.wordAt(t));
  };

  Player.prototype.seek = function (t) {
    lastUsed = this;
    try { this.audio.currentTime = t; } catch (e) { /* not seekable yet */ }
  };

  Player.prototype.play = function () {
    lastUsed = this;
    var p = this.audio.play();
    if (p && p.catch) p.catch(function () { /* blocked or no source: the controls remain */ });
  };

  Player.prototype.toggle = function () {
    if (this.audio.paused) this.play(); else this.audio.pause();
  };

  // Seek to sentence i and highlight it (and focus it, for keyboard users).
  Player.prototype.go = function (i, focus) {
    if (!this.segs.length) return;
    i = Math.max(0, Math.min(this.segs.length - 1, i));
    this.seek(this.starts[i]);
    this.mark(i);
    if (focus) {
      try { this.segs[i].focus({ preventScroll: true }); } catch (e) { this.segs[i].focus(); }
    }
  };

  Player.prototype.mark = function (i) {
    if (i === this.index) return;
    // One highlighted sentence on the whole page.
    players.forEach(function (p) { if (p !== this) p.clear(); }, this);
    this.clear();
    this.index = i;
    if (i < 0) return;
    var el = this.segs[i];
    el.classList.add('is-current');
    el.setAttribute('aria-current', 'true');
    var t = this.starts[i], chapter = null;
    this.chapters.forEach(function (a) {
      if (parseFloat(a.getAttribute('data-start')) <= t + EPS) chapter = a;
    });
    if (chapter) chapter.classList.add('is-current');
    reveal(el);
    announce(el);
  };

  Player.prototype.clear = function () {
    if (this.index >= 0 && this.segs[this.index]) {
      this.segs[this.index].classList.remove('is-current');
      this.segs[this.index].removeAttribute('aria-current');
    }
    this.chapters.forEach(function (a) { a.classList.remove('is-current'); });
    this.index = -1;
    this.markWord(-1);
  };

  // The sentence as read (characters, not their pinyin), once, to the
  // page's polite live region.
  function announce(el) {
    var live = document.getElementById('now-reading');
    if (!live) return;
    var copy = el.cloneNode(true);
    each(copy.querySelectorAll('rt, rp'), function (r) { r.remove(); });
    live.textContent = copy.textContent;
  }

  // Scroll only when the sentence has left the visible area (below the sticky player).
  function reveal(el) {
    var r = el.getBoundingClientRect();
    var player = el.closest('section') && el.closest('section').querySelector('.player');
    var top = player ? Math.max(0, player.getBoundingClientRect().bottom) : 0;
    var h = window.innerHeight || document.documentElement.clientHeight;
    if (r.top >= top && r.bottom <= h) return;
    // Glide to the next sentence; jump when it is far away or motion is unwelcome.
    var smooth = !(reduceMotion && reduceMotion.matches) && Math.abs(r.top) < 2 * h;
    el.scrollIntoView({ block: 'center', behavior: smooth ? 'smooth' : 'instant' });
  }

  function playerOf(node) {
    var section = node && node.closest ? node.closest('section.episode') : null;
    for (var i = 0; i < players.length; i++) if (players[i].section === section) return players[i];
    return null;
  }

  function typing(el) {
    if (!el || !el.tagName) return false;
    return /^(INPUT|TEXTAREA|SELECT|AUDIO|VIDEO)$/.test(el.tagName) || el.isContentEditable;
  }

  function onKey(e) {
    if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
    var el = document.activeElement;
    if (typing(el)) return; // the control's own keys win
    var p = playerOf(el) || lastUsed || players[0];
    if (!p || !p.audio) return;
    if (e.key === ' ' || e.key === 'Spacebar') {
      if (el && /^(A|BUTTON|SUMMARY)$/.test(el.tagName)) return; // Space activates these
      e.preventDefault();
      p.toggle();
    } else if ((e.key === 'ArrowRight' || e.key === 'ArrowLeft') && e.shiftKey) {
      if (!p.words.length) return;
      e.preventDefault();
      var j = p.word >= 0 ? p.word : p.wordAt(p.audio.currentTime);
      if (j < 0) {
        // From the current sentence's first word.
        j = p.wordSeg.indexOf(Math.max(0, p.index));
        if (j < 0) j = 0;
        p.goWord(e.key === 'ArrowRight' ? j : j - 1, true);
      } else p.goWord(e.key === 'ArrowRight' ? j + 1 : j - 1, true);
    } else if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
      e.preventDefault();
      var i = p.index >= 0 ? p.index : p.at(p.audio.currentTime);
      if (e.key === 'ArrowRight') p.go(i + 1, true);
      else p.go(i < 0 ? 0 : i - 1, true);
    }
  }

  function textSize() {
    var buttons = document.querySelectorAll('.textsize button[data-step]');
    if (!buttons.length) return;
    var level = DEFAULT_SIZE;
    try {
      var saved = parseInt(window.localStorage.getItem(KEY), 10);
      if (saved >= 0 && saved < SIZES.length) level = saved;
    } catch (e) { /* storage unavailable (private mode, file:// policy) */ }
    function apply() {
      document.documentElement.style.fontSize = SIZES[level] + '%';
      each(buttons, function (b) {
        var step = parseInt(b.getAttribute('data-step'), 10);
        b.disabled = step < 0 ? level === 0 : level === SIZES.length - 1;
      });
    }
    each(buttons, function (b) {
      b.addEventListener('click', function () {
        var step = parseInt(b.getAttribute('data-step'), 10);
        level = Math.max(0, Math.min(SIZES.length - 1, level + step));
        try { window.localStorage.setItem(KEY, String(level)); } catch (e) { /* not kept */ }
        apply();
        var current = lastUsed && lastUsed.segs[lastUsed.index];
        if (current) reveal(current);
      });
    });
    apply();
  }

  // The large buttons at the top: each plays (or pauses) its speaker's
  // episode and brings that episode's text into view; pressed while it plays.
  function listenButtons() {
    each(document.querySelectorAll('button.listen[data-episode]'), function (b) {
      var p = null;
      players.forEach(function (q) { if (q.section.id === b.getAttribute('data-episode')) p = q; });
      if (!p || !p.audio) return;
      var show = function () { b.setAttribute('aria-pressed', p.audio.paused ? 'false' : 'true'); };
      ['play', 'pause', 'ended', 'emptied'].forEach(function (e) { p.audio.addEventListener(e, show); });
      b.addEventListener('click', function () {
        if (!p.audio.paused) { p.audio.pause(); return; }
        p.play();
        var smooth = !(reduceMotion && reduceMotion.matches);
        p.section.scrollIntoView({ block: 'start', behavior: smooth ? 'smooth' : 'instant' });
      });
    });
  }

  function stored(key) {
    try { return window.localStorage.getItem(key); } catch (e) { return null; }
  }

  function store(key, value) {
    try { window.localStorage.setItem(key, value); } catch (e) { /* not kept */ }
  }

  // Speed: slower or faster, the voice's pitch kept; remembered.
  function speed() {
    var buttons = document.querySelectorAll('.speed button[data-rate]');
    if (!buttons.length) return;
    var offered = Array.prototype.map.call(buttons, function (b) { return parseFloat(b.getAttribute('data-rate')); });
    var rate = parseFloat(stored(SPEED_KEY));
    if (offered.indexOf(rate) < 0) rate = 1;
    function apply() {
      each(document.querySelectorAll('audio'), function (a) {
        a.preservesPitch = true;
        a.webkitPreservesPitch = true;
        a.mozPreservesPitch = true;
        a.defaultPlaybackRate = rate; // kept when the source (re)loads
        a.playbackRate = rate;
      });
      each(buttons, function (b) {
        b.setAttribute('aria-pressed', parseFloat(b.getAttribute('data-rate')) === rate ? 'true' : 'false');
      });
    }
    each(buttons, function (b) {
      b.addEventListener('click', function () {
        rate = parseFloat(b.getAttribute('data-rate'));
        store(SPEED_KEY, String(rate));
        apply();
      });
    });
    apply();
  }

  // Pinyin over the characters, shown or hidden; remembered.
  function pinyinSwitch() {
    var b = document.querySelector('button.pinyin');
    if (!b) return;
    var shown = stored(PINYIN_KEY) !== 'hidden';
    function apply() {
      document.documentElement.classList.toggle('no-pinyin', !shown);
      b.setAttribute('aria-pressed', shown ? 'true' : 'false');
    }
    b.addEventListener('click', function () {
      shown = !shown;
      store(PINYIN_KEY, shown ? 'shown' : 'hidden');
      apply();
      var current = lastUsed && lastUsed.segs[lastUsed.index];
      if (current) reveal(current);
    });
    apply();
  }

  function start() {
    each(document.querySelectorAll('section.episode'), function (s) { players.push(new Player(s)); });
    document.addEventListener('keydown', onKey);
    listenButtons();
    textSize();
    speed();
    pinyinSwitch();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
