//! espeak-ng through its library (`libespeak-ng.so.1`, Debian's
//! `libespeak-ng1`, which the `espeak-ng` program depends on): speech with
//! the time of every word, which the program cannot report.
//!
//! The library is loaded with `libloading` for each synthesis and unloaded
//! after it, under one process-wide lock: it is not thread-safe, and it
//! keeps state between syntheses (its pitch flutter runs on), so only a
//! fresh copy gives the same samples for the same request — exactly those
//! the `espeak-ng` program gives (a test compares them). Loading costs a
//! few milliseconds, less than starting the program did. The C library's
//! `rand()`, which the breathy variants' noise draws on, is seeded as a
//! fresh process has it.
//!
//! espeak-ng runs in synchronous mode: a callback receives the samples and
//! the events, among them `espeakEVENT_WORD` (1-based character position
//! and length of the word in the text, sample where its sound starts) and
//! `espeakEVENT_END` (end of a clause, after its pause). A word ends where
//! the next word starts; the last word of a clause ends where its sound
//! does: at the clause end with the silence of the pause before it cut
//! off. The callback stops the synthesis when the caller's stop flag is
//! set (a request past its time limit).

use std::ffi::{c_char, c_int, c_short, c_uint, c_void, CString};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use crate::model::ClipWord;

/// The library's file name (its soname).
const LIBRARY: &str = "libespeak-ng.so.1";
/// espeak-ng's speaking rate at speed 1.0, in words per minute.
const BASE_WPM: f32 = 175.0;
/// Samples of one synthesis at most (an hour at 22.05 kHz): a runaway
/// synthesis is stopped rather than filling memory.
const MAX_SAMPLES: usize = 3600 * 22_050;
/// A sample this close to zero is silence (about -66 dBFS).
const SILENT: i16 = 16;

const AUDIO_OUTPUT_SYNCHRONOUS: c_int = 2;
const INITIALIZE_DONT_EXIT: c_int = 0x8000;
const POS_CHARACTER: c_int = 1;
/// What the program passes for `-b 1` text: UTF-8, `[[phonemes]]` read as
/// phonemes, a pause at the end.
const SYNTH_FLAGS: c_uint = 0x1 | 0x100 | 0x1000;
const PARAMETER_RATE: c_int = 1;
const EVENT_LIST_TERMINATED: c_int = 0;
const EVENT_WORD: c_int = 1;
const EVENT_END: c_int = 5;
const EVENT_MSG_TERMINATED: c_int = 6;
/// Events read from one callback at most (a list without its terminator
/// is not walked past this).
const MAX_EVENTS: usize = 100_000;

/// Speech with its words: mono samples in [-1, 1] at `rate` Hz and each
/// word's characters in the text and seconds in the samples.
#[derive(Debug, Clone, PartialEq)]
pub struct Spoken {
    pub samples: Vec<f32>,
    pub rate: u32,
    pub words: Vec<ClipWord>,
}

/// What the library gives: 16-bit samples, as the program writes them.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Pcm {
    pub samples: Vec<i16>,
    pub rate: u32,
    pub words: Vec<ClipWord>,
}

#[derive(Debug, thiserror::Error)]
pub enum EspeakError {
    #[error("cannot load espeak-ng's library {LIBRARY} (install the libespeak-ng1 package: sudo apt-get install espeak-ng): {0}")]
    Library(String),
    #[error("espeak-ng's library could not start (are its data files, the espeak-ng-data package, installed?)")]
    Initialize,
    #[error("{0:?} is not an espeak-ng voice (see espeak-ng --voices)")]
    Voice(String),
    #[error("espeak-ng failed (error {0})")]
    Synth(c_int),
    #[error("espeak-ng was stopped")]
    Stopped,
    #[error("espeak-ng spoke more than {MAX_SAMPLES} samples and was stopped")]
    TooLong,
}

/// `text` in espeak-ng `voice` (`cmn-latn-pinyin`, `en-us+f3`) at `speed`
/// (1.0: 175 words a minute), with the time of every word espeak-ng reads:
/// [`ClipWord::from`]..[`ClipWord::to`] are character offsets in `text`.
/// Blocks while another synthesis holds the library.
pub fn speak_words(text: &str, voice: &str, speed: f32) -> Result<Spoken, EspeakError> {
    let pcm = speak(text, voice, speed, &AtomicBool::new(false))?;
    Ok(Spoken {
        samples: pcm
            .samples
            .iter()
            .map(|&s| f32::from(s) / 32768.0)
            .collect(),
        rate: pcm.rate,
        words: pcm.words,
    })
}

/// The library's functions used here.
struct Api {
    initialize: unsafe extern "C" fn(c_int, c_int, *const c_char, c_int) -> c_int,
    set_callback: unsafe extern "C" fn(Option<Callback>),
    set_voice: unsafe extern "C" fn(*const c_char) -> c_int,
    set_voice_by_properties: unsafe extern "C" fn(*const VoiceSpec) -> c_int,
    set_parameter: unsafe extern "C" fn(c_int, c_int, c_int) -> c_int,
    #[allow(clippy::type_complexity)]
    synth: unsafe extern "C" fn(
        *const c_void,
        usize,
        c_uint,
        c_int,
        c_uint,
        c_uint,
        *mut c_uint,
        *mut c_void,
    ) -> c_int,
    terminate: unsafe extern "C" fn() -> c_int,
}

/// `espeak_VOICE` of `speak_lib.h`: what a voice is chosen by.
#[repr(C)]
struct VoiceSpec {
    name: *const c_char,
    languages: *const c_char,
    identifier: *const c_char,
    gender: u8,
    age: u8,
    variant: u8,
    xx1: u8,
    score: c_int,
    spare: *mut c_void,
}

type Callback = unsafe extern "C" fn(*mut c_short, c_int, *mut Event) -> c_int;

/// `espeak_EVENT` of `speak_lib.h`.
#[repr(C)]
struct Event {
    kind: c_int,
    unique_identifier: c_uint,
    text_position: c_int,
    length: c_int,
    audio_position: c_int,
    sample: c_int,
    user_data: *mut c_void,
    /// A union of an int, a string pointer and 8 chars.
    id: *const c_void,
}

/// A word as espeak-ng reports it: 1-based character position, length in
/// characters, the sample its sound starts at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct WordMark {
    pub position: i64,
    pub length: i64,
    pub sample: i64,
}

/// What the callback gathers during one synthesis.
struct Collect<'a> {
    samples: Vec<i16>,
    marks: Vec<WordMark>,
    /// Samples where a clause ends (after its pause).
    clause_ends: Vec<usize>,
    stop: &'a AtomicBool,
    too_long: bool,
}

extern "C" {
    /// The C library's seed for `rand()`, which espeak-ng's noise uses.
    fn srand(seed: c_uint);
}

/// One synthesis at a time in the process.
static LOCK: Mutex<()> = Mutex::new(());

/// Samples and word times, stopped (with [`EspeakError::Stopped`]) once
/// `stop` is set.
pub(super) fn speak(
    text: &str,
    voice: &str,
    speed: f32,
    stop: &AtomicBool,
) -> Result<Pcm, EspeakError> {
    if !super::espeak::is_plain_voice_name(voice) {
        return Err(EspeakError::Voice(voice.to_owned()));
    }
    let voice_c = CString::new(voice).map_err(|_| EspeakError::Voice(voice.to_owned()))?;
    // A NUL would end the text early; a space keeps every character's place.
    let text_c = CString::new(text.replace('\0', " ")).expect("no NUL left");
    let wpm = (BASE_WPM * speed).round().clamp(80.0, 500.0) as c_int;
    let mut collect = Collect {
        samples: Vec::new(),
        marks: Vec::new(),
        clause_ends: Vec::new(),
        stop,
        too_long: false,
    };
    let _one = LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    // SAFETY: the library is used by this thread alone (LOCK) and unloaded
    // when `library` drops, after `terminate`; the functions have the
    // signatures of speak_lib.h; the callback's user data is `collect`,
    // which outlives the synthesis.
    let rate = unsafe {
        let library =
            libloading::Library::new(LIBRARY).map_err(|e| EspeakError::Library(e.to_string()))?;
        let api = Api::find(&library)?;
        // Breathy variants (`+f3`) add noise from the C library's rand():
        // seeded as in a fresh process, they sound as the program does.
        srand(1);
        let rate = (api.initialize)(
            AUDIO_OUTPUT_SYNCHRONOUS,
            0,
            std::ptr::null(),
            INITIALIZE_DONT_EXIT,
        );
        let outcome = if rate <= 0 {
            Err(EspeakError::Initialize)
        } else if !api.choose_voice(&voice_c) {
            Err(EspeakError::Voice(voice.to_owned()))
        } else {
            (api.set_callback)(Some(on_synth));
            (api.set_parameter)(PARAMETER_RATE, wpm, 0);
            let bytes = text_c.as_bytes_with_nul();
            let status = (api.synth)(
                bytes.as_ptr().cast(),
                bytes.len(),
                0,
                POS_CHARACTER,
                0,
                SYNTH_FLAGS,
                std::ptr::null_mut(),
                (&mut collect as *mut Collect).cast(),
            );
            (api.set_callback)(None);
            // An interrupted synthesis may still report success.
            if collect.too_long {
                Err(EspeakError::TooLong)
            } else if stop.load(Ordering::Relaxed) {
                Err(EspeakError::Stopped)
            } else if status != 0 {
                Err(EspeakError::Synth(status))
            } else {
                Ok(rate as u32)
            }
        };
        (api.terminate)();
        drop(library);
        outcome?
    };
    let chars = text.chars().count();
    let words = place_words(
        &collect.marks,
        &collect.clause_ends,
        &collect.samples,
        chars,
    )
    .into_iter()
    .map(|(from, to, start, end)| ClipWord {
        from,
        to,
        start: start as f64 / f64::from(rate),
        end: end as f64 / f64::from(rate),
    })
    .collect();
    Ok(Pcm {
        samples: collect.samples,
        rate,
        words,
    })
}

impl Api {
    /// The voice by its name, else (as the program does: `zh`) by its
    /// language; whether one was found.
    ///
    /// # Safety
    /// Only while the library is loaded and initialised, under LOCK.
    unsafe fn choose_voice(&self, voice: &CString) -> bool {
        if unsafe { (self.set_voice)(voice.as_ptr()) } == 0 {
            return true;
        }
        let spec = VoiceSpec {
            name: std::ptr::null(),
            languages: voice.as_ptr(),
            identifier: std::ptr::null(),
            gender: 0,
            age: 0,
            variant: 0,
            xx1: 0,
            score: 0,
            spare: std::ptr::null_mut(),
        };
        unsafe { (self.set_voice_by_properties)(&spec) == 0 }
    }

    /// # Safety
    /// `library` must be espeak-ng's, and outlive the pointers returned.
    unsafe fn find(library: &libloading::Library) -> Result<Api, EspeakError> {
        let missing = |e: libloading::Error| EspeakError::Library(e.to_string());
        Ok(Api {
            initialize: *library.get("espeak_Initialize").map_err(missing)?,
            set_callback: *library.get("espeak_SetSynthCallback").map_err(missing)?,
            set_voice: *library.get("espeak_SetVoiceByName").map_err(missing)?,
            set_voice_by_properties: *library
                .get("espeak_SetVoiceByProperties")
                .map_err(missing)?,
            set_parameter: *library.get("espeak_SetParameter").map_err(missing)?,
            synth: *library.get("espeak_Synth").map_err(missing)?,
            terminate: *library.get("espeak_Terminate").map_err(missing)?,
        })
    }
}

/// The synthesis callback: keeps the samples and the word and clause-end
/// events; asks espeak-ng to stop (non-zero) when told to or past
/// [`MAX_SAMPLES`].
unsafe extern "C" fn on_synth(wav: *mut c_short, count: c_int, events: *mut Event) -> c_int {
    if events.is_null() {
        return 1;
    }
    // SAFETY: espeak-ng passes a list of events ending with
    // EVENT_LIST_TERMINATED, each carrying the user data given to
    // espeak_Synth (our Collect), and `count` samples at `wav`.
    let collect = unsafe { (*events).user_data.cast::<Collect>().as_mut() };
    let Some(collect) = collect else {
        return 1;
    };
    let offset = collect.samples.len();
    if !wav.is_null() && count > 0 {
        if offset + count as usize > MAX_SAMPLES {
            collect.too_long = true;
            return 1;
        }
        let samples = unsafe { std::slice::from_raw_parts(wav, count as usize) };
        collect.samples.extend_from_slice(samples);
    }
    for at in 0..MAX_EVENTS {
        let event = unsafe { &*events.add(at) };
        match event.kind {
            EVENT_LIST_TERMINATED => break,
            EVENT_WORD => collect.marks.push(WordMark {
                position: i64::from(event.text_position),
                length: i64::from(event.length),
                sample: i64::from(event.sample),
            }),
            EVENT_END | EVENT_MSG_TERMINATED => {
                collect.clause_ends.push(event.sample.max(0) as usize)
            }
            _ => {}
        }
    }
    c_int::from(collect.stop.load(Ordering::Relaxed))
}

/// Each word's (from, to) characters and (start, end) samples: the words
/// espeak-ng reported with a length, inside the text and the samples, in
/// order (a mark before the previous word's end, in text or time, is
/// dropped). A word ends where the next one starts, or at a clause end
/// before it, pulled back over the silence before the clause end; it is
/// at least one sample long when the clip has room.
pub(super) fn place_words(
    marks: &[WordMark],
    clause_ends: &[usize],
    samples: &[i16],
    chars: usize,
) -> Vec<(usize, usize, usize, usize)> {
    let total = samples.len();
    let mut kept: Vec<(usize, usize, usize)> = Vec::new();
    for mark in marks {
        if mark.length <= 0 || mark.position < 1 || mark.sample < 0 {
            continue;
        }
        let from = (mark.position - 1) as usize;
        let to = from.saturating_add(mark.length as usize).min(chars);
        let start = (mark.sample as usize).min(total);
        if from >= to {
            continue;
        }
        if let Some(&(_, last_to, last_start)) = kept.last() {
            if from < last_to || start < last_start {
                continue;
            }
        }
        kept.push((from, to, start));
    }
    let mut placed = Vec::with_capacity(kept.len());
    for (i, &(from, to, start)) in kept.iter().enumerate() {
        let next = kept.get(i + 1).map_or(total, |w| w.2);
        let clause_end = clause_ends
            .iter()
            .copied()
            .filter(|&e| e > start && e <= next)
            .min();
        let mut end = match clause_end {
            Some(end) => end.min(total),
            None => next,
        };
        if clause_end.is_some() || i + 1 == kept.len() {
            while end > start + 1 && samples[end - 1].unsigned_abs() < SILENT as u16 {
                end -= 1;
            }
        }
        if end <= start {
            end = (start + 1).min(next.max(start)).min(total);
        }
        placed.push((from, to, start, end));
    }
    placed
}

#[cfg(test)]
#[path = "espeak_lib_tests.rs"]
mod tests;
