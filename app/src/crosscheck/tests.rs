use super::*;

/// [Y] 三（五）: 40 households by the shares 40/20/40, rounded by the largest remainders; a stratum with too few gives
/// its share to the others, and only a village with fewer than 40 households falls short.
#[test]
fn forty_households_are_spread_over_the_strata_by_their_shares_y() {
    assert_eq!(allocate(40, [40, 20, 40], [100, 100, 100]), ([16, 8, 16], 0));
    assert_eq!(allocate(40, [33, 33, 34], [100, 100, 100]), ([13, 13, 14], 0));
    assert_eq!(allocate(40, [40, 20, 40], [5, 3, 100]), ([5, 3, 32], 0), "the other households make up the rest");
    assert_eq!(allocate(40, [40, 20, 40], [5, 3, 20]), ([5, 3, 20], 12), "all taken, the shortfall recorded");
    assert_eq!(allocate(40, [0, 0, 100], [10, 10, 10]), ([10, 10, 10], 10));
    assert_eq!(allocate(3, [40, 20, 40], [100, 100, 100]).0.iter().sum::<usize>(), 3);
}

/// Every allocation takes exactly min(total, households), never more from a stratum than it has.
#[test]
fn an_allocation_never_overdraws_a_stratum() {
    for total in [0, 1, 7, 40, 41] {
        for available in [[0, 0, 0], [1, 0, 50], [20, 20, 0], [3, 4, 5], [40, 40, 40]] {
            for percent in [[40, 20, 40], [100, 0, 0], [0, 50, 50], [34, 33, 33]] {
                let (counts, short) = allocate(total, percent, available);
                let have: usize = available.iter().sum();
                assert_eq!(counts.iter().sum::<usize>(), total.min(have), "{total} {available:?} {percent:?}");
                assert_eq!(short, total.saturating_sub(have));
                assert!(counts.iter().zip(available).all(|(c, a)| *c <= a));
            }
        }
    }
}

fn grid(n: usize, cells: &[(usize, usize)]) -> Vec<Vec<bool>> {
    let mut g = vec![vec![false; n]; n];
    for &(t, w) in cells {
        g[t][w] = true;
    }
    g
}

/// A team never checks its own township (nor one a member declared a conflict with), and last year's pairing is
/// avoided when another exists; when none satisfies the bars, there is no pairing.
#[test]
fn teams_are_paired_away_from_their_own_townships_and_last_years_y() {
    // Three teams from townships 0, 1, 2: each barred from its own.
    let own = grid(3, &[(0, 0), (1, 1), (2, 2)]);
    let pairing = pair(&own, &grid(3, &[])).unwrap();
    assert!(pairing.iter().enumerate().all(|(t, &w)| t != w), "{pairing:?}");
    // Last year 0→1, 1→2, 2→0: this year the other rotation.
    let last = grid(3, &[(0, 1), (1, 2), (2, 0)]);
    assert_eq!(pair(&own, &last), Some(vec![2, 0, 1]));
    // Only last year's rotation is possible: kept rather than nothing.
    let tight = grid(3, &[(0, 0), (1, 1), (2, 2), (0, 2), (1, 0), (2, 1)]);
    assert_eq!(pair(&tight, &last), Some(vec![1, 2, 0]));
    // A team barred everywhere but where another must go: no pairing.
    assert_eq!(pair(&grid(2, &[(0, 0), (1, 0)]), &grid(2, &[])), None);
}

/// Over many random bar patterns the pairing is always a permutation that respects the bars, and it exists
/// exactly when a brute-force search finds one.
#[test]
fn pairings_respect_the_bars_whenever_one_exists() {
    fn permutations(n: usize) -> Vec<Vec<usize>> {
        if n == 0 {
            return vec![vec![]];
        }
        let mut all = Vec::new();
        for p in permutations(n - 1) {
            for i in 0..n {
                let mut q = p.clone();
                q.insert(i, n - 1);
                all.push(q);
            }
        }
        all
    }
    let mut state = 2026u64;
    let mut next = || {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (state >> 33) % 100
    };
    for n in 1..=5 {
        for _ in 0..200 {
            let barred: Vec<Vec<bool>> = (0..n).map(|_| (0..n).map(|_| next() < 35).collect()).collect();
            let last: Vec<Vec<bool>> = (0..n).map(|_| (0..n).map(|_| next() < 30).collect()).collect();
            let feasible: Vec<Vec<usize>> =
                permutations(n).into_iter().filter(|p| p.iter().enumerate().all(|(t, &w)| !barred[t][w])).collect();
            let repeats = |p: &Vec<usize>| p.iter().enumerate().filter(|(t, w)| last[*t][**w]).count();
            match pair(&barred, &last) {
                None => assert!(feasible.is_empty(), "{barred:?}"),
                Some(p) => {
                    let mut sorted = p.clone();
                    sorted.sort();
                    assert_eq!(sorted, (0..n).collect::<Vec<_>>());
                    assert!(p.iter().enumerate().all(|(t, &w)| !barred[t][w]));
                    assert_eq!(repeats(&p), feasible.iter().map(repeats).min().unwrap(), "fewest repeats");
                }
            }
        }
    }
}
