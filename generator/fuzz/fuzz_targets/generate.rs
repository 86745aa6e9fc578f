//! Any bytes through load-and-generate: an error is fine, a panic or a hang is a bug.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = trackit_codegen::generate(data, "fuzz-input", &trackit_codegen::Settings::default());
});
