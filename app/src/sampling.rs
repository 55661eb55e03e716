//! Reproducible random samples by permanent random numbers (PRN), written here so that a draw can be
//! recomputed years later from what was stored: the frame (the units that could be drawn), the seed read out
//! at the draw, and the algorithm's version. No random library's algorithm is involved.
//!
//! `prn(unit)` = the first 53 bits of SHA-256(`seed|frame hash|version|unit`) as a fraction of 2^53; a draw takes
//! the units with the smallest numbers, and the next ones in that order are the reserve. Anyone holding the
//! frame and the seed gets the same numbers, and changing the frame changes its hash and so every number.

use sha2::{Digest, Sha256};

/// The version of the algorithm below, stored with every draw. A change to `prn` or `frame_hash` is a new
/// version; a stored draw is always recomputed by the version it names.
pub const ALGORITHM: &str = "prn-sha256-v1";

/// The SHA-256 (hex) of a frame: its unit codes in the order given, one per line.
pub fn frame_hash(frame: &[String]) -> String {
    let mut hasher = Sha256::new();
    for unit in frame {
        hasher.update(unit.as_bytes());
        hasher.update(b"\n");
    }
    hex::encode(hasher.finalize())
}

/// The permanent random number of `unit` in [0, 1), from the seed and the frame's hash.
pub fn prn(seed: &str, frame_hash: &str, unit: &str) -> f64 {
    let digest = Sha256::digest(format!("{seed}|{frame_hash}|{ALGORITHM}|{unit}").as_bytes());
    let first = digest.first_chunk::<8>().copied().unwrap_or_default();
    (u64::from_be_bytes(first) >> 11) as f64 / (1u64 << 53) as f64
}

/// A draw: the units taken, and the rest of the frame in the order replacements are taken from.
#[derive(Clone, Debug, PartialEq)]
pub struct Draw {
    pub drawn: Vec<String>,
    pub reserve: Vec<String>,
}

/// The `n` units of `frame` with the smallest PRN (all of them when the frame is smaller), ordered by PRN; ties,
/// which SHA-256 makes practically impossible, fall back to the unit code.
pub fn draw(seed: &str, frame: &[String], n: usize) -> Draw {
    let hash = frame_hash(frame);
    let mut ranked: Vec<(f64, &String)> = frame.iter().map(|u| (prn(seed, &hash, u), u)).collect();
    ranked.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(b.1)));
    let mut units: Vec<String> = ranked.into_iter().map(|(_, u)| u.clone()).collect();
    let reserve = units.split_off(n.min(units.len()));
    Draw { drawn: units, reserve }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(n: usize) -> Vec<String> {
        (1..=n).map(|i| format!("F{i}")).collect()
    }

    #[test]
    fn a_draw_is_the_same_from_the_same_frame_and_seed() {
        let first = draw("38-17-05", &frame(40), 5);
        assert_eq!(first, draw("38-17-05", &frame(40), 5));
        assert_eq!(first.drawn.len(), 5);
        assert_eq!(first.reserve.len(), 35);
        let mut all: Vec<String> = first.drawn.iter().chain(&first.reserve).cloned().collect();
        all.sort();
        let mut expected = frame(40);
        expected.sort();
        assert_eq!(all, expected, "every unit of the frame is drawn or in reserve, once");
    }

    #[test]
    fn another_seed_or_frame_gives_other_numbers() {
        assert_ne!(draw("38-17-05", &frame(40), 5).drawn, draw("38-17-06", &frame(40), 5).drawn);
        let hash = frame_hash(&frame(40));
        assert_ne!(hash, frame_hash(&frame(39)));
        assert_ne!(prn("s", &hash, "F1"), prn("s", &frame_hash(&frame(39)), "F1"));
    }

    #[test]
    fn numbers_are_fractions_of_two_to_the_53_from_the_digest() {
        let hash = frame_hash(&["F1".to_string()]);
        let digest = Sha256::digest(format!("s|{hash}|{ALGORITHM}|F1").as_bytes());
        let bits = u64::from_be_bytes(digest[..8].try_into().unwrap()) >> 11;
        assert_eq!(prn("s", &hash, "F1"), bits as f64 / 9_007_199_254_740_992.0);
        assert!((0.0..1.0).contains(&prn("s", &hash, "F1")));
    }

    #[test]
    fn a_small_frame_is_taken_whole() {
        let d = draw("s", &frame(3), 5);
        assert_eq!(d.drawn.len(), 3);
        assert!(d.reserve.is_empty());
        assert_eq!(draw("s", &[], 5), Draw { drawn: vec![], reserve: vec![] });
    }
}
