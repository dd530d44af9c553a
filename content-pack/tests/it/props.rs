//! Properties of the reader over generated input.

use std::fs;

use content_pack::*;
use proptest::prelude::*;

use crate::util::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    /// Arbitrary bytes never get past `open` + `verify`, and never panic.
    #[test]
    fn arbitrary_bytes_are_refused(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let fx = Fixture::new();
        let path = fx.path("random.iopack");
        fs::write(&path, &bytes).unwrap();
        let result = UnverifiedPack::open(&path, &Limits::default()).and_then(|p| p.verify(&fx.trusted));
        prop_assert!(result.is_err());
    }

    /// Any single changed byte anywhere in a pack is either refused, or (in
    /// tar padding and unused header fields) changes nothing that is installed.
    #[test]
    fn any_changed_byte_is_refused_or_harmless(seed in any::<prop::sample::Index>(), bit in 0u8..8) {
        let fx = Fixture::new();
        let pack = fx.build(1);
        let mut bytes = fs::read(&pack).unwrap();
        let at = seed.index(bytes.len());
        bytes[at] ^= 1 << bit;
        let bad = fx.path("changed.iopack");
        fs::write(&bad, &bytes).unwrap();
        match fx.install(&bad) {
            Err(_) => prop_assert!(fx.store().installed().unwrap().is_none()),
            Ok(installed) => {
                let reference = ContentStore::open(&fx.path("reference")).unwrap();
                let verified = UnverifiedPack::open(&pack, &Limits::default()).unwrap().verify(&fx.trusted).unwrap();
                let good = reference.install(verified, t0(), &mut NoObserver).unwrap();
                for f in &installed.manifest().files {
                    prop_assert_eq!(installed.read_checked(&f.path).unwrap(), good.read_checked(&f.path).unwrap());
                }
                prop_assert_eq!(installed.manifest().files.len(), good.manifest().files.len());
            }
        }
    }

    /// Truncating a pack anywhere is refused.
    #[test]
    fn truncation_anywhere_is_refused(seed in any::<prop::sample::Index>()) {
        let fx = Fixture::new();
        let pack = fx.build(1);
        let bytes = fs::read(&pack).unwrap();
        // Past the last file's data only the end-of-archive zeros remain.
        let (_, last, len) = entry_offsets(&pack).last().cloned().unwrap();
        let end = (last + len) as usize;
        let cut = seed.index(end);
        let short = fx.path("short.iopack");
        fs::write(&short, &bytes[..cut]).unwrap();
        prop_assert!(fx.install(&short).is_err());
        prop_assert!(fx.store().installed().unwrap().is_none());
    }
}
