//! Replays every committed corpus file (seeds, and crashes once fixed)
//! through its target: the fuzz targets as plain tests, no fuzzer needed.

use std::path::Path;

#[test]
fn every_corpus_replays_without_a_panic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    for (name, target) in oauth2kit_fuzz::TARGETS {
        let dir = root.join(name);
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        assert!(files.len() >= 3, "{name}: fewer than 3 seeds");
        for file in files {
            let data = std::fs::read(&file).unwrap();
            // The panic message names the file that broke the target.
            let outcome = std::panic::catch_unwind(|| target(&data));
            assert!(outcome.is_ok(), "{name}: {} panicked", file.display());
        }
    }
}
