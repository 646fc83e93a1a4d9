//! The core's sorts, each one routine whatever it sorts (generic sorts are copied into the
//! module once for every type they are used with). [`by_key`]: a stable sort for long lists of
//! large items by a small key: the standard stable sort takes a buffer as large as the list (up
//! to 8 MB) to sort into, which for the plan's steps is megabytes held once for each sort. This
//! one sorts the positions instead, then moves the items into place by swapping them.
//! [`positions_by_text`]: the stable order of positions by a text key.

/// Sorts `items` by `key` as `sort_by_key` does (stable), with a buffer of a few bytes per item.
/// Keys are `u32` so that every caller shares one sort of positions (the module carries one
/// sorting routine instead of one for each type of key and item).
pub fn by_key<T>(items: &mut [T], key: impl FnMut(&T) -> u32) {
    let keys: Vec<u32> = items.iter().map(key).collect();
    if keys.windows(2).all(|w| w[0] <= w[1]) {
        return;
    }
    let mut from = positions_by_key(&keys);
    drop(keys);
    // `from[p]`: the position the item that goes to `p` has now. Each cycle of the permutation
    // is walked once: position `j` takes the item from `from[j]`.
    const PLACED: u32 = u32::MAX;
    for i in 0..items.len() {
        let mut j = i;
        while from[j] != PLACED {
            let k = from[j] as usize;
            from[j] = PLACED;
            if k == i {
                break;
            }
            items.swap(j, k);
            j = k;
        }
    }
}

/// The positions of `keys` in the stable order of their keys. Not inlined into each caller.
#[inline(never)]
fn positions_by_key(keys: &[u32]) -> Vec<u32> {
    let n = u32::try_from(keys.len()).expect("fewer than 2^32 items");
    let mut from: Vec<u32> = (0..n).collect();
    from.sort_by_key(|&p| keys[p as usize]);
    from
}

/// The positions `0..n` in the stable order of `key(position)`, compared as bytes: one routine
/// for every caller (the key is a `dyn` closure), not one for each.
pub fn positions_by_text<'t>(n: usize, key: &dyn Fn(usize) -> &'t [u8]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| key(a).cmp(key(b)));
    order
}

/// A position as a key of [`by_key`].
pub fn index_key(i: usize) -> u32 {
    u32::try_from(i).expect("fewer than 2^32 items")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_as_the_standard_stable_sort() {
        // A small generator, so the lists are the same on every run.
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for len in [0usize, 1, 2, 3, 7, 64, 1000, 4099] {
            for keys in [1u64, 2, 5, 1000] {
                // (key, original position): equal keys must keep their order.
                let items: Vec<(u32, usize)> =
                    (0..len).map(|i| ((next() % keys) as u32, i)).collect();
                let mut ours = items.clone();
                by_key(&mut ours, |x| x.0);
                let mut theirs = items.clone();
                theirs.sort_by_key(|x| x.0);
                assert_eq!(ours, theirs, "{len} items, {keys} keys");
            }
        }
        // By text: stable, bytewise.
        let words = ["b", "a", "ab", "a", "", "b"];
        assert_eq!(
            positions_by_text(words.len(), &|i| words[i].as_bytes()),
            [4, 1, 3, 2, 0, 5]
        );
        // Keys at the ends of their range.
        let mut ends = vec![(u32::MAX, 0), (0, 1), (u32::MAX, 2), (0, 3)];
        by_key(&mut ends, |x| x.0);
        assert_eq!(ends, [(0, 1), (0, 3), (u32::MAX, 0), (u32::MAX, 2)]);
        // Already sorted, and reversed.
        let mut up: Vec<u32> = (0..100).collect();
        by_key(&mut up, |&x| x);
        assert_eq!(up, (0..100).collect::<Vec<_>>());
        let mut down: Vec<u32> = (0..100).rev().collect();
        by_key(&mut down, |&x| x);
        assert_eq!(down, (0..100).collect::<Vec<_>>());
    }
}
