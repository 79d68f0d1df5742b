//! Human references (DR-4821937, L-130522) that say nothing about how many registrations or
//! leads other partners have made: the internal sequence number goes through a keyed
//! permutation of 24-bit numbers (a four-round Feistel network whose round function is a
//! keyed hash), so consecutive registrations get unrelated references. The key is one secret
//! per installation; without it the order cannot be recovered.

use sha2::{Digest, Sha256};

const HALF_BITS: u32 = 12;
const HALF_MASK: u32 = (1 << HALF_BITS) - 1;
/// How many references there are: sequence numbers must stay below this.
pub const CAPACITY: u32 = 1 << (2 * HALF_BITS);

fn round(key: &[u8], tweak: u8, round: u8, half: u32) -> u32 {
    let digest = Sha256::new()
        .chain_update(key)
        .chain_update([tweak, round])
        .chain_update(half.to_be_bytes())
        .finalize();
    u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]]) & HALF_MASK
}

/// The reference number of sequence number `n` (< [`CAPACITY`]); `tweak` keeps the
/// registrations' and the leads' permutations apart.
pub fn scramble(n: u32, key: &[u8], tweak: u8) -> u32 {
    let (mut left, mut right) = ((n >> HALF_BITS) & HALF_MASK, n & HALF_MASK);
    for r in 0..4 {
        let next = left ^ round(key, tweak, r, right);
        left = right;
        right = next;
    }
    (left << HALF_BITS) | right
}

/// The sequence number of reference number `r`: the inverse of [`scramble`].
pub fn unscramble(r: u32, key: &[u8], tweak: u8) -> u32 {
    let (mut left, mut right) = ((r >> HALF_BITS) & HALF_MASK, r & HALF_MASK);
    for round_no in (0..4).rev() {
        let previous = right ^ round(key, tweak, round_no, left);
        right = left;
        left = previous;
    }
    (left << HALF_BITS) | right
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn consecutive_numbers_get_unrelated_references() {
        let key = b"a secret of this installation";
        let refs: Vec<u32> = (1_000..1_010).map(|n| scramble(n, key, 1)).collect();
        let gaps: Vec<i64> = refs
            .windows(2)
            .map(|w| i64::from(w[1]) - i64::from(w[0]))
            .collect();
        assert!(gaps.iter().all(|g| g.abs() > 1), "{refs:?}");
        assert_ne!(
            scramble(1_000, key, 1),
            scramble(1_000, key, 2),
            "leads and registrations differ"
        );
        assert_ne!(
            scramble(1_000, key, 1),
            scramble(1_000, b"another installation", 1)
        );
    }

    #[test]
    fn the_permutation_is_a_bijection_on_a_sample() {
        let key = b"k";
        let mut seen = std::collections::HashSet::new();
        for n in 0..50_000 {
            let r = scramble(n, key, 1);
            assert!(r < CAPACITY);
            assert!(seen.insert(r), "{n} collides");
        }
    }

    proptest! {
        #[test]
        fn unscramble_inverts_scramble(n in 0..CAPACITY, key in prop::collection::vec(any::<u8>(), 1..32), tweak in any::<u8>()) {
            prop_assert_eq!(unscramble(scramble(n, &key, tweak), &key, tweak), n);
        }
    }
}
