//! The hash maps and sets of the core. Keys are names read from the report, hashed many times per
//! table; std's SipHash costs more than the lookups it serves. This is a multiply-and-rotate hash
//! over 8-byte words (the shape of rustc's FxHash). It is not keyed: a report crafted so that its
//! names collide makes lookups slower, never wrong, and a report's size is bounded.

use std::hash::{BuildHasherDefault, Hasher};

pub type Map<K, V> = std::collections::HashMap<K, V, BuildHasherDefault<Fast>>;
pub type Set<K> = std::collections::HashSet<K, BuildHasherDefault<Fast>>;

/// A set with room for `n` entries.
pub fn set_with_capacity<K>(n: usize) -> Set<K> {
    Set::with_capacity_and_hasher(n, Default::default())
}

#[derive(Default, Clone, Copy)]
pub struct Fast(u64);

const K: u64 = 0xf135_7aea_2e62_a9c5;

impl Fast {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = self.0.wrapping_add(word).wrapping_mul(K);
    }
}

impl Hasher for Fast {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().unwrap()));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            // Byte by byte: a copy of a few bytes into a word is a call to `memcpy` in wasm,
            // several times slower than this loop.
            let mut last = 0u64;
            for (i, &b) in rest.iter().enumerate() {
                last |= u64::from(b) << (8 * i);
            }
            // The length in the free top byte: `ab` and `ab\0` differ.
            self.add(last | (rest.len() as u64) << 56);
        }
    }

    #[inline]
    fn write_u8(&mut self, n: u8) {
        self.add(n as u64);
    }

    #[inline]
    fn write_u32(&mut self, n: u32) {
        self.add(n as u64);
    }

    #[inline]
    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }

    #[inline]
    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        // The multiply leaves its best bits high, and bits below the highest input bit never
        // see it. The table indexes by the low bits and tells entries of a bucket group apart
        // by the top 7, so both must depend on every byte: folded twice (murmur3's finish).
        let mut x = self.0;
        x ^= x >> 33;
        x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
        x ^ (x >> 33)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::{BuildHasher, Hash};

    fn hash<T: Hash>(t: T) -> u64 {
        BuildHasherDefault::<Fast>::default().hash_one(t)
    }

    #[test]
    fn strings_that_differ_hash_apart() {
        // str hashing appends a terminator, so a prefix and its extension differ.
        assert_ne!(hash("users"), hash("users\0"));
        assert_ne!(hash(("a", "bc")), hash(("ab", "c")));
        let mut seen = std::collections::HashSet::new();
        for i in 0..10_000 {
            seen.insert(hash(format!("t{:05}", i)) & 0xffff);
        }
        // Low bits (the table's index) spread: near the 8 647 expected of a random function.
        assert!(seen.len() > 8_000, "{}", seen.len());
        // So do the top 7 (what tells apart the entries of a group) among names that differ in
        // their last byte only: ids `D00000` to `D09999`, by tens.
        let mut same = 0;
        for tens in 0..1000 {
            let tops: std::collections::HashSet<u64> = (0..10)
                .map(|i| hash(format!("D{:05}", tens * 10 + i)) >> 57)
                .collect();
            same += 10 - tops.len();
        }
        // A random function repeats about 0.34 of 10 draws among 128 values (340 in all).
        assert!(same < 700, "{same}");
        let mut m: Map<String, usize> = Map::default();
        for i in 0..1000 {
            m.insert(format!("n{}", i), i);
        }
        assert_eq!(m["n517"], 517);
        assert_eq!(m.len(), 1000);
    }
}
