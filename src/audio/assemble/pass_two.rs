//! Pass two's arithmetic on each block: the gain, the limiter,
//! quantization to the file's bit depth with TPDF dither where samples
//! changed, and the meter of what is written.

use super::AssembleError;
use crate::audio::dither::{seed_from, Dither};
use crate::audio::limiter::{Limiter, LimiterStats};
use crate::audio::loudness::LoudnessMeter;

/// Pass two's arithmetic: the gain, the limiter, quantization to the
/// file's bit depth (TPDF dither, seeded by the episode, when the samples
/// changed), and the meter of what is written.
pub(super) struct PassTwo {
    factor: f32,
    limiter: Option<Limiter>,
    dither: Option<Dither>,
    full: f64,
    /// Full scale as readers decode it (2^(bits-1)).
    scale: f32,
    gained: Vec<f32>,
    limited: Vec<f32>,
    quantized: Vec<i32>,
    written: Vec<f32>,
    pub(super) meter: LoudnessMeter,
}

pub(super) type Sink<'a> = dyn FnMut(&[i32], &[f32]) -> Result<(), AssembleError> + 'a;

impl PassTwo {
    pub(super) fn new(
        gain_db: Option<f64>,
        limiter: Option<Limiter>,
        bits: u16,
        slug: &str,
        rate: u32,
    ) -> Result<PassTwo, AssembleError> {
        let factor = gain_db.map_or(1.0, |db| 10f64.powf(db / 20.0) as f32);
        let changes = factor != 1.0 || limiter.is_some();
        Ok(PassTwo {
            factor,
            limiter,
            dither: changes.then(|| Dither::new(seed_from(slug), bits)),
            full: f64::from((1i32 << (bits - 1)) - 1),
            scale: 1.0 / (1u32 << (bits - 1)) as f32,
            gained: Vec::new(),
            limited: Vec::new(),
            quantized: Vec::new(),
            written: Vec::new(),
            meter: LoudnessMeter::new(rate)?,
        })
    }

    pub(super) fn push(&mut self, samples: &[f32], sink: &mut Sink) -> Result<(), AssembleError> {
        self.gained.clear();
        self.gained
            .extend(samples.iter().map(|&sample| sample * self.factor));
        self.limited.clear();
        match &mut self.limiter {
            Some(limiter) => limiter.process(&self.gained, &mut self.limited),
            None => std::mem::swap(&mut self.gained, &mut self.limited),
        }
        self.emit(sink)
    }

    /// Drains the limiter's look-ahead; what it did.
    pub(super) fn finish(
        &mut self,
        sink: &mut Sink,
    ) -> Result<Option<LimiterStats>, AssembleError> {
        self.limited.clear();
        let Some(limiter) = &mut self.limiter else {
            return Ok(None);
        };
        let stats = limiter.finish(&mut self.limited);
        self.emit(sink)?;
        Ok(Some(stats))
    }

    fn emit(&mut self, sink: &mut Sink) -> Result<(), AssembleError> {
        if self.limited.is_empty() {
            return Ok(());
        }
        self.quantized.clear();
        for &sample in &self.limited {
            self.quantized.push(match &mut self.dither {
                Some(dither) => dither.quantize(sample),
                None => (f64::from(sample).clamp(-1.0, 1.0) * self.full).round() as i32,
            });
        }
        self.written.clear();
        let scale = self.scale;
        self.written
            .extend(self.quantized.iter().map(|&q| q as f32 * scale));
        self.meter.add(&self.written)?;
        sink(&self.quantized, &self.written)
    }
}
