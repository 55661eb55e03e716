//! Property tests of the draw over random counties (townships, villages, households of each stratum, sample sizes
//! and shares): the same seed and frame give the same lists, from the frame as stored too; every
//! list is drawn from its own units without repeats, its reserve apart from it; each village gives what it is asked
//! or all it has, the shortfall recorded; and the strata get their shares whenever every stratum can give them.

use std::collections::BTreeSet;

use proptest::prelude::*;

use super::*;
use crate::crosscheck::{Stratum, allocate};

/// A county: per township, per village, how many households of each stratum.
type County = Vec<Vec<[usize; 3]>>;

fn county() -> impl Strategy<Value = County> {
    proptest::collection::vec(proptest::collection::vec(proptest::array::uniform3(0usize..30), 0..6), 1..5)
}

fn shares() -> impl Strategy<Value = [u32; 3]> {
    (0u32..=100, 0u32..=100).prop_map(|(a, b)| {
        let (low, high) = (a.min(b), a.max(b));
        [low, high - low, 100 - high]
    })
}

/// The frame of a county, with the villages stage one draws and their households.
fn frame_of(seed: &str, county: &County, villages: usize, households: usize, percent: [u32; 3]) -> Frame {
    let mut frame = Frame {
        villages_per_township: villages,
        households_per_village: households,
        strata_percent: percent,
        townships: county
            .iter()
            .enumerate()
            .map(|(t, vs)| FrameTownship {
                code: format!("500152{:03}000", t + 1),
                villages: (0..vs.len()).map(|v| format!("500152{:03}{:03}", t + 1, v + 201)).collect(),
                drawn: Vec::new(),
            })
            .collect(),
    };
    for (t, list) in villages_drawn(seed, &frame).into_iter().enumerate() {
        let township = &county[t];
        frame.townships[t].drawn = list
            .drawn
            .iter()
            .map(|code| {
                let v = frame.townships[t].villages.iter().position(|c| c == code).unwrap_or_default();
                let households = Stratum::ALL
                    .into_iter()
                    .zip(township[v])
                    .enumerate()
                    .flat_map(|(s, (stratum, n))| {
                        (0..n).map(move |h| FrameHousehold { code: format!("{code}{s}{h:05}"), stratum })
                    })
                    .collect();
                FrameVillage { code: code.clone(), households }
            })
            .collect();
    }
    frame
}

proptest! {
    #[test]
    fn the_draw_holds_its_invariants(
        county in county(),
        villages in 2usize..4,
        households in 1usize..60,
        percent in shares(),
        seed in "[0-9]{1,8}",
    ) {
        let frame = frame_of(&seed, &county, villages, households, percent);
        let (lists, shortfalls) = compute(&seed, &frame);
        // Reproducible, from the stored JSON too.
        let stored: Frame = serde_json::from_str(&serde_json::to_string(&frame).unwrap()).unwrap();
        prop_assert_eq!(&compute(&seed, &stored), &(lists.clone(), shortfalls.clone()));
        for t in &frame.townships {
            let list = lists.iter().find(|l| l.township == t.code && l.village.is_none()).unwrap();
            prop_assert_eq!(list.drawn.len(), villages.min(t.villages.len()));
            prop_assert!(list.drawn.iter().all(|v| t.villages.contains(v)));
            for v in &t.drawn {
                let of_village: Vec<&Drawn> = lists.iter().filter(|l| l.village.as_ref() == Some(&v.code)).collect();
                let drawn: Vec<&String> = of_village.iter().flat_map(|l| l.drawn.iter()).collect();
                let unique: BTreeSet<&String> = drawn.iter().copied().collect();
                prop_assert_eq!(unique.len(), drawn.len(), "no household twice");
                prop_assert_eq!(drawn.len(), households.min(v.households.len()));
                let short = shortfalls.iter().find(|s| s.village == v.code);
                prop_assert_eq!(short.is_some(), v.households.len() < households);
                if let Some(s) = short {
                    prop_assert_eq!(s.asked - s.taken, households - v.households.len());
                }
                let mut available = [0; 3];
                for l in &of_village {
                    let stratum = l.stratum.unwrap();
                    let own: BTreeSet<&String> =
                        v.households.iter().filter(|h| h.stratum == stratum).map(|h| &h.code).collect();
                    prop_assert!(l.drawn.iter().all(|h| own.contains(h)), "drawn from its own stratum");
                    prop_assert!(l.reserve.iter().all(|h| own.contains(h) && !l.drawn.contains(h)), "reserve apart");
                    available[Stratum::ALL.iter().position(|s| *s == stratum).unwrap()] = own.len();
                }
                // Every stratum able to give its share gives exactly the largest-remainder split.
                if available.iter().all(|a| *a >= households) {
                    let (counts, _) = allocate(households, percent, [usize::MAX; 3]);
                    let taken: Vec<usize> = of_village.iter().map(|l| l.drawn.len()).collect();
                    prop_assert_eq!(taken, counts.to_vec());
                    for (count, p) in counts.iter().zip(percent) {
                        let exact = households as f64 * p as f64 / 100.0;
                        prop_assert!((*count as f64 - exact).abs() < 1.0);
                    }
                }
            }
        }
    }
}
