//! The hash maps and sets of the core. Their keys are names and ids read from the report, so a
//! hash that anyone can compute lets a report be crafted so that its keys collide, and every
//! lookup then walks all of them: 80 000 such diff ids took 108 s against 3 s for ordinary ones.
//! The hash is SipHash-1-3 (std's) keyed with a secret drawn once per process from the system or,
//! in JavaScript, from `crypto.getRandomValues`: std's own `RandomState` cannot be used, since
//! on wasm32-unknown-unknown it has no source of randomness and its keys are the same in every
//! instance of the module. No output depends on the order of a map or set.

use std::hash::BuildHasher;
use std::sync::OnceLock;

use siphasher::sip::SipHasher13;

pub type Map<K, V> = std::collections::HashMap<K, V, Keyed>;
pub type Set<K> = std::collections::HashSet<K, Keyed>;

/// A set with room for `n` entries.
pub fn set_with_capacity<K>(n: usize) -> Set<K> {
    Set::with_capacity_and_hasher(n, Keyed::default())
}

/// Builds SipHash-1-3 hashers keyed with the process's secret.
#[derive(Clone, Copy)]
pub struct Keyed {
    k0: u64,
    k1: u64,
}

impl Default for Keyed {
    fn default() -> Keyed {
        static KEYS: OnceLock<(u64, u64)> = OnceLock::new();
        let &(k0, k1) = KEYS.get_or_init(secret);
        Keyed { k0, k1 }
    }
}

impl BuildHasher for Keyed {
    type Hasher = SipHasher13;

    #[inline]
    fn build_hasher(&self) -> SipHasher13 {
        SipHasher13::new_with_keys(self.k0, self.k1)
    }
}

/// 128 random bits. Where the environment has no source (Node.js before 19 running the ES module,
/// which has no global `crypto`), std's keys: random on native targets, fixed in wasm.
fn secret() -> (u64, u64) {
    match (getrandom::u64(), getrandom::u64()) {
        (Ok(k0), Ok(k1)) => (k0, k1),
        _ => {
            let s = std::hash::RandomState::new();
            (s.hash_one(0u8), s.hash_one(1u8))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_drawn_at_random_and_shared_by_every_map() {
        // A hash anyone can compute can be flooded: two draws of the secret differ (an unkeyed
        // hash, or keys fixed in the code, would give the same twice).
        assert_ne!(secret(), secret());
        // Every map of the process uses the one secret.
        let (a, b) = (Keyed::default(), Keyed::default());
        assert_eq!(a.hash_one("D00001"), b.hash_one("D00001"));
        assert_ne!(a.hash_one("D00001"), a.hash_one("D00002"));
        let mut m: Map<String, usize> = Map::default();
        let mut s = set_with_capacity(1000);
        for i in 0..1000 {
            m.insert(format!("n{i}"), i);
            assert!(s.insert(format!("n{i}")));
        }
        assert_eq!(m["n517"], 517);
        assert_eq!((m.len(), s.len()), (1000, 1000));
        assert!(!s.insert("n517".to_string()));
    }
}
