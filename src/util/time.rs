//! Time from sample frames: one rounding for every file that states a time
//! (captions, chapters, the page, MP3 chapter frames, the manifest), so
//! they never disagree by a millisecond.

/// `frames / rate` in whole milliseconds, rounded half up.
pub fn frames_to_millis(frames: u64, rate: u32) -> u64 {
    let rate = u128::from(rate.max(1));
    ((u128::from(frames) * 2000 + rate) / (2 * rate)) as u64
}

/// `frames / rate` in whole microseconds, rounded to nearest (Audacity's
/// labels carry six decimals).
pub fn frames_to_micros(frames: u64, rate: u32) -> u64 {
    let rate = u128::from(rate.max(1));
    ((u128::from(frames) * 1_000_000 + rate / 2) / rate) as u64
}

/// `frames / rate` in seconds, rounded to the millisecond.
pub fn frames_to_seconds(frames: u64, rate: u32) -> f64 {
    frames_to_millis(frames, rate) as f64 / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_half_up_to_the_millisecond() {
        assert_eq!(frames_to_millis(48_000, 48_000), 1000);
        assert_eq!(frames_to_millis(24, 48_000), 1); // 0.5 ms rounds up
        assert_eq!(frames_to_millis(23, 48_000), 0);
        assert_eq!(frames_to_millis(1_001, 1_000_000), 1);
        assert_eq!(frames_to_seconds(72_036, 48_000), 1.501);
        // No overflow on long episodes: ten days at 96 kHz.
        assert_eq!(frames_to_millis(864_000 * 96_000, 96_000), 864_000_000);
    }
}
