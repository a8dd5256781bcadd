#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| briefcast_fuzz::wav_decoder(data));
