//! Which of a domain's policy captures to download: the change-point search, and the two
//! strategies it is measured against (every capture; two a year). Pure: the same points give
//! the same step, whatever was downloaded first, so a crawl killed in the middle of a search
//! and rerun makes the same downloads and ends with the same store.
//!
//! The change-point search works on the domain's policy captures in time order (one listing
//! collapsed by digest). A capture with a text is a known point; a capture known to have no
//! text (gone, an archived error, a page that converts to nothing) is transparent: versions do
//! not see it either. Between two consecutive known points the captures not downloaded are a
//! span. When both ends hold the same text and every capture of the span lies within the
//! resolution before its far end, it is settled and its captures are inferred to hold that
//! text: a text hidden there began at one of them and ended by the far end, so it lasted no
//! longer than the resolution. A longer span whose ends agree gets the fewest downloads that
//! leave every capture within the resolution before a downloaded one (from the first capture
//! left, the latest within the resolution of it, again and again); one whose ends differ gets
//! the capture beside the outstanding jump in CDX `length` inside it, if one stands out (a new
//! text usually changes the record's size more than churn does), else the capture where the
//! sizes step cleanly from one end's to the other's (every capture within the churn of one of
//! them), else, when it is too long to settle, the first capture a download there needs anyway,
//! else its middle capture by count (halving the captures left), and the parts are searched
//! again. So every change is pinned to
//! the exact first capture showing the new text, and any version that lasted longer than the
//! resolution (from its first capture to the next version's) has a capture downloaded.
//! Before a span whose ends agree is settled, a capture whose `length` stands far from both
//! ends' lengths (or stands apart while the others hold still) is looked at: a short-lived text
//! between two captures of the same one (A -> B -> A) would otherwise be inferred away, and
//! the A after it with it.

use wayback::Timestamp;

/// How the crawl chooses the policy captures it downloads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    /// Every capture (every distinct digest the listing gives).
    Exhaustive,
    /// The change-point search: inside a span whose ends hold the same text, no capture is left
    /// out more than `resolution_seconds` before a downloaded one.
    ChangePoint {
        /// How far before a downloaded capture one may be inferred, in seconds.
        resolution_seconds: u64,
    },
    /// The reference corpus's method: the capture nearest 1 April and 1 October of each year.
    Princeton,
}

impl Strategy {
    /// The change-point search with the default resolution.
    pub const DEFAULT: Strategy = Strategy::ChangePoint {
        resolution_seconds: DEFAULT_RESOLUTION_SECONDS,
    };

    /// The name the benchmark and the run's settings print.
    pub fn name(&self) -> &'static str {
        match self {
            Strategy::Exhaustive => "exhaustive",
            Strategy::ChangePoint { .. } => "change-point",
            Strategy::Princeton => "princeton",
        }
    }
}

/// The default resolution: 540 days (README, "How many captures the crawl downloads", argues it).
pub const DEFAULT_RESOLUTION_SECONDS: u64 = 540 * 86_400;

/// What the search knows of one policy capture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PointState {
    /// Not downloaded, and not covered by a settled span.
    Pending,
    /// Not downloaded: inside a settled span (its ends hold the same text).
    Inferred,
    /// Not downloadable in this run (a transient failure): the spans around it wait.
    Unavailable,
    /// Downloaded (or its bytes reused): its text hash, `None` when it has no text.
    Known(Option<String>),
}

/// One policy capture, in the order the search reads them (time, then URL).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Point {
    /// The capture's row id.
    pub id: i64,
    /// Its CDX time.
    pub timestamp: Timestamp,
    /// Its CDX `length` (the archived record's size), when the listing gave one.
    pub length: Option<u64>,
    /// What is known of it.
    pub state: PointState,
}

/// The next step of a search: captures to download now, captures now inferred.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Step {
    /// Row ids to download (each at most once per step).
    pub download: Vec<i64>,
    /// Pending row ids now covered by a settled span.
    pub infer: Vec<i64>,
}

impl Step {
    /// Nothing left to do: the search is over (for this run).
    pub fn is_done(&self) -> bool {
        self.download.is_empty() && self.infer.is_empty()
    }
}

/// The next step for `points` (in time order) under `strategy`. Applying the step (downloading,
/// marking inferred) and asking again ends, after at most as many steps as there are points,
/// with an empty step.
pub fn next_step(points: &[Point], strategy: Strategy) -> Step {
    match strategy {
        Strategy::Exhaustive => Step {
            download: points
                .iter()
                .filter(|p| is_open(&p.state))
                .map(|p| p.id)
                .collect(),
            infer: Vec::new(),
        },
        Strategy::ChangePoint { resolution_seconds } => change_point(points, resolution_seconds),
        Strategy::Princeton => princeton(points),
    }
}

/// Not downloaded yet: pending, or inferred (a span can be searched again, e.g. with a finer
/// resolution).
fn is_open(state: &PointState) -> bool {
    matches!(state, PointState::Pending | PointState::Inferred)
}

/// The point's text, when it is a known point with one.
fn text_of(point: &Point) -> Option<&str> {
    match &point.state {
        PointState::Known(Some(hash)) => Some(hash),
        _ => None,
    }
}

fn change_point(points: &[Point], resolution_seconds: u64) -> Step {
    let mut step = Step::default();
    let known: Vec<usize> = (0..points.len())
        .filter(|&i| text_of(&points[i]).is_some())
        .collect();
    // Not downloaded and not transparent: what a span holds.
    let interior = |from: usize, to: usize| -> Vec<usize> {
        (from..to)
            .filter(|&i| !matches!(points[i].state, PointState::Known(_)))
            .collect()
    };
    let want = |index: usize, step: &mut Step| {
        // An unavailable capture is not replaced by another: its span waits for a later run,
        // so that the captures downloaded do not depend on which fault happened when.
        if is_open(&points[index].state) {
            step.download.push(points[index].id);
        }
    };
    let (first_known, last_known) = match (known.first(), known.last()) {
        (Some(&first), Some(&last)) => (first, last),
        _ => {
            // No text yet: the two ends.
            let open = interior(0, points.len());
            if let Some(&first) = open.first() {
                want(first, &mut step);
            }
            if let Some(&last) = open.last()
                && open.len() > 1
            {
                want(last, &mut step);
            }
            return step;
        }
    };
    // Before the first text and after the last one: the outermost capture.
    if let Some(&first) = interior(0, first_known).first() {
        want(first, &mut step);
    }
    if let Some(&last) = interior(last_known + 1, points.len()).last() {
        want(last, &mut step);
    }
    let churn = churn_bytes(points);
    for pair in known.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let inside = interior(a + 1, b);
        if inside.is_empty() {
            continue;
        }
        let same_text = text_of(&points[a]) == text_of(&points[b]);
        // Empty when every capture inside lies within the resolution before `b`.
        let cover = resolution_cover(points, b, &inside, resolution_seconds);
        if same_text
            && cover.is_empty()
            && let Some(probe) = length_excursion(points, a, b, &inside, churn)
        {
            // The ends agree but some capture's size stands apart from both: most likely a
            // short-lived text in between (A -> B -> A), looked at before the span is settled.
            want(probe, &mut step);
        } else if same_text && cover.is_empty() {
            step.infer.extend(
                inside
                    .iter()
                    .filter(|&&i| points[i].state == PointState::Pending)
                    .map(|&i| points[i].id),
            );
        } else if same_text {
            // Too long to settle: the fewest captures that leave none inferred more than the
            // resolution before a downloaded one, all at once.
            for index in cover {
                want(index, &mut step);
            }
        } else {
            // The ends differ: beside the record length's outstanding jump, or where the sizes
            // step cleanly from one end's to the other's, where the text most likely changed;
            // else, in a span too long to settle, the first capture its resolution cover needs
            // whatever the texts; else the middle capture, halving the captures left.
            let split = length_jump(points, a, b, &inside)
                .or_else(|| length_step(points, a, b, &inside, churn))
                .or_else(|| cover.first().copied())
                .unwrap_or(inside[inside.len() / 2]);
            want(split, &mut step);
        }
    }
    step
}

/// A jump in record length counts as outstanding when it is at least this many times the
/// span's median jump...
const JUMP_FACTOR: u64 = 4;
/// ...and at least this many bytes (churn such as tokens and counters moves a few).
const JUMP_MIN_BYTES: u64 = 8;

/// The capture of `inside` (between known points `a` and `b` whose texts differ) beside the
/// largest jump in CDX `length` along `a`, `inside`, `b`, when that jump is outstanding: a
/// new text usually changes the record's size more than HTML churn does. The capture after
/// the jump (or, for a jump onto `b`, the one before it) is the one downloaded, so a right
/// guess pins the change in one or two downloads instead of halving. A wrong one still splits
/// the span, and each jump is tried at most once (it then lies at a span's end), so the
/// extra downloads are bounded by the outstanding jumps. `None` when lengths are missing or
/// no jump stands out.
fn length_jump(points: &[Point], a: usize, b: usize, inside: &[usize]) -> Option<usize> {
    let sequence: Vec<usize> = std::iter::once(a)
        .chain(inside.iter().copied())
        .chain(std::iter::once(b))
        .collect();
    let mut jumps = Vec::with_capacity(sequence.len() - 1);
    for pair in sequence.windows(2) {
        let (Some(before), Some(after)) = (points[pair[0]].length, points[pair[1]].length) else {
            return None;
        };
        jumps.push(before.abs_diff(after));
    }
    // The first of the largest jumps, so the choice does not depend on anything but the points.
    let (position, &largest) = jumps
        .iter()
        .enumerate()
        .rev()
        .max_by_key(|&(_, jump)| *jump)?;
    let mut sorted = jumps.clone();
    sorted.sort_unstable();
    let median = sorted[sorted.len() / 2];
    if largest < JUMP_MIN_BYTES || largest < JUMP_FACTOR.saturating_mul(median) {
        return None;
    }
    // The jump lies between sequence[position] and sequence[position + 1].
    Some(if position + 1 < sequence.len() - 1 {
        sequence[position + 1]
    } else {
        sequence[position]
    })
}

/// The capture of `inside` (between known points `a` and `b` whose texts differ) where the
/// record sizes step from `a`'s to `b`'s, when they do so cleanly: the ends' CDX lengths are
/// more than twice the churn apart (churn counted as at least a byte), and every capture of the
/// span sits within the churn of one end's length, those near `a`'s all before those near
/// `b`'s. A change too small for [`length_jump`]'s floor still shows so when the record keeps
/// its size on both sides of it. The first capture near `b`'s length is the one downloaded (or,
/// when all sit near `a`'s, the last of them), so a right guess pins the change in one or two
/// downloads; a wrong one (a redesign with no new text) costs one or two, until the ends of the
/// part that holds the change sit at the same size and the sizes no longer step. `None` when a
/// length is missing or the sizes do not step cleanly.
fn length_step(
    points: &[Point],
    a: usize,
    b: usize,
    inside: &[usize],
    churn: u64,
) -> Option<usize> {
    let (from, to) = (points[a].length?, points[b].length?);
    let tolerance = churn.max(1);
    if from.abs_diff(to) <= 2 * tolerance {
        return None;
    }
    let mut first_near_b = None;
    for (position, &i) in inside.iter().enumerate() {
        let length = points[i].length?;
        if length.abs_diff(to) <= tolerance {
            first_near_b.get_or_insert(position);
        } else if length.abs_diff(from) > tolerance || first_near_b.is_some() {
            // Near neither end, or near `a`'s after one near `b`'s: no clean step.
            return None;
        }
    }
    Some(match first_near_b {
        Some(position) => inside[position],
        None => inside[inside.len() - 1],
    })
}

/// The size churn alone moves a record by: the median change in CDX `length` between
/// consecutive captures that have one (0 when fewer than two do).
fn churn_bytes(points: &[Point]) -> u64 {
    let lengths: Vec<u64> = points
        .iter()
        .filter(|p| !matches!(p.state, PointState::Known(None)))
        .filter_map(|p| p.length)
        .collect();
    let mut jumps: Vec<u64> = lengths.windows(2).map(|w| w[0].abs_diff(w[1])).collect();
    jumps.sort_unstable();
    jumps.get(jumps.len() / 2).copied().unwrap_or(0)
}

/// The capture of `inside` (between known points `a` and `b` that hold the same text) whose CDX
/// `length` stands farthest from both ends' lengths, when it stands outstandingly far (at least
/// [`JUMP_FACTOR`] times `churn` and [`JUMP_MIN_BYTES`]), or more than twice the churn (at
/// least a byte) away while every other capture sits within the churn of an end's length or
/// of its own (sizes that hold still show a small edit too): a text that came and went between
/// two captures of the same text changes the record's size there, while churn moves it a few
/// bytes and a redesign moves it for good (the captures after it sit near `b`'s length). A wrong
/// guess costs one download: the capture probed becomes an end, and the captures beside it sit
/// near one of their ends' lengths. `None` when a length is missing or none stands out.
fn length_excursion(
    points: &[Point],
    a: usize,
    b: usize,
    inside: &[usize],
    churn: u64,
) -> Option<usize> {
    let (first, last) = (points[a].length?, points[b].length?);
    let mut farthest: Option<(u64, usize)> = None;
    for &i in inside {
        let length = points[i].length?;
        let apart = length.abs_diff(first).min(length.abs_diff(last));
        if farthest.is_none_or(|(most, _)| apart > most) {
            farthest = Some((apart, i));
        }
    }
    let (apart, index) = farthest?;
    let outstanding = apart >= JUMP_MIN_BYTES && apart >= JUMP_FACTOR.saturating_mul(churn);
    // Or the sizes hold still: every capture within the churn of an end's length or of the
    // one that stands apart, which stands more than twice the churn away.
    let tolerance = churn.max(1);
    let level = points[index].length?;
    let still = apart > 2 * tolerance
        && inside.iter().all(|&i| {
            points[i].length.is_some_and(|length| {
                [first, last, level]
                    .iter()
                    .any(|&at| length.abs_diff(at) <= tolerance)
            })
        });
    (outstanding || still).then_some(index)
}

/// The captures of `inside` (the captures before known point `b` since the last known one, in
/// time order) to download so that every capture of `inside` left out lies no more than
/// `resolution` before the next capture downloaded (or `b`): from the first capture left, the
/// latest capture within the resolution of it, and so on, until the first capture left lies
/// within the resolution of `b` (the greedy cover, the fewest such captures; empty when the
/// span can be settled on its ends). A text held by captures left out then ended, at the
/// latest, at that next download: it lasted no longer than the resolution.
fn resolution_cover(points: &[Point], b: usize, inside: &[usize], resolution: u64) -> Vec<usize> {
    let before_b = |i: usize| points[i].timestamp.seconds_between(&points[b].timestamp);
    let apart = |i: usize, j: usize| points[i].timestamp.seconds_between(&points[j].timestamp);
    let mut chosen = Vec::new();
    // The first capture of `inside` not yet followed by a download within the resolution.
    let mut first_left = 0;
    while first_left < inside.len() && before_b(inside[first_left]) > resolution {
        let mut pick = first_left;
        while pick + 1 < inside.len() && apart(inside[first_left], inside[pick + 1]) <= resolution {
            pick += 1;
        }
        chosen.push(inside[pick]);
        first_left = pick + 1;
    }
    chosen
}

/// The fewest downloads any strategy with the change-point search's guarantee needs on a URL
/// history whose texts are all known (`points` from a store where every capture was
/// downloaded): both ends, and no capture with a text left out more than `resolution_seconds`
/// before the next download, which is what the search leaves behind when it ends. With `pin_changes`, also both sides of every change (what
/// finding every version with its exact first capture takes). Captures with no text do not
/// count (the search does not need them). A floor for the benchmark, not a plan: the search
/// does not know the texts before it downloads them.
pub fn fewest_downloads(points: &[Point], resolution_seconds: u64, pin_changes: bool) -> usize {
    let with_text: Vec<usize> = (0..points.len())
        .filter(|&i| text_of(&points[i]).is_some())
        .collect();
    let (Some(&first), Some(&last)) = (with_text.first(), with_text.last()) else {
        return 0;
    };
    let mut forced = vec![first];
    if pin_changes {
        for pair in with_text.windows(2) {
            if text_of(&points[pair[0]]) != text_of(&points[pair[1]]) {
                forced.extend([pair[0], pair[1]]);
            }
        }
    }
    forced.push(last);
    forced.dedup();
    let mut count = forced.len();
    for pair in forced.windows(2) {
        let inside: Vec<usize> = with_text
            .iter()
            .copied()
            .filter(|&i| pair[0] < i && i < pair[1])
            .collect();
        count += resolution_cover(points, pair[1], &inside, resolution_seconds).len();
    }
    count
}

/// The capture nearest each 1 April and 1 October from the first capture's year to the last's.
fn princeton(points: &[Point]) -> Step {
    let mut step = Step::default();
    let (Some(first), Some(last)) = (points.first(), points.last()) else {
        return step;
    };
    for year in first.timestamp.year()..=last.timestamp.year() {
        for month in [4, 10] {
            let Ok(target) = Timestamp::new(year, month, 1, 0, 0, 0) else {
                continue;
            };
            let nearest = points
                .iter()
                .filter(|p| !matches!(p.state, PointState::Known(None)))
                .min_by_key(|p| p.timestamp.seconds_between(&target));
            if let Some(point) = nearest
                && is_open(&point.state)
                && !step.download.contains(&point.id)
            {
                step.download.push(point.id);
            }
        }
    }
    step
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: u64 = 86_400;

    fn at_day(day: u64) -> Timestamp {
        let start = Timestamp::parse("20100101000000").expect("timestamp");
        start
            .add_seconds(day as i64 * DAY as i64)
            .expect("in range")
    }

    /// An archive of one URL: the text of each capture (by day), and a search run over it
    /// to the end, as the crawl applies its steps. Returns the points at the end and the
    /// downloads made.
    fn run(texts: &[(u64, &str)], strategy: Strategy) -> (Vec<Point>, usize) {
        run_sized(texts, &vec![None; texts.len()], strategy)
    }

    /// [`run`] with each capture's CDX length.
    fn run_sized(
        texts: &[(u64, &str)],
        lengths: &[Option<u64>],
        strategy: Strategy,
    ) -> (Vec<Point>, usize) {
        let mut points: Vec<Point> = texts
            .iter()
            .zip(lengths)
            .enumerate()
            .map(|(i, (&(day, _), &length))| Point {
                id: i as i64,
                timestamp: at_day(day),
                length,
                state: PointState::Pending,
            })
            .collect();
        let mut downloads = 0;
        for _ in 0..=points.len() * 2 {
            let step = next_step(&points, strategy);
            if step.is_done() {
                return (points, downloads);
            }
            for id in step.infer {
                points[id as usize].state = PointState::Inferred;
            }
            for id in step.download {
                downloads += 1;
                let text = texts[id as usize].1;
                points[id as usize].state =
                    PointState::Known((!text.is_empty()).then(|| text.to_owned()));
            }
        }
        panic!("the search did not end");
    }

    /// The versions the known points make: (first day, text) of each run of one text.
    fn versions(points: &[Point], texts: &[(u64, &str)]) -> Vec<(u64, String)> {
        let mut out: Vec<(u64, String)> = Vec::new();
        for point in points {
            if let Some(text) = text_of(point)
                && out.last().is_none_or(|(_, last)| last != text)
            {
                out.push((texts[point.id as usize].0, text.to_owned()));
            }
        }
        out
    }

    /// The true versions: (first day, text) of each run of one text.
    fn truth(texts: &[(u64, &str)]) -> Vec<(u64, String)> {
        let mut out: Vec<(u64, String)> = Vec::new();
        for &(day, text) in texts {
            if !text.is_empty() && out.last().is_none_or(|(_, last)| last != text) {
                out.push((day, text.to_owned()));
            }
        }
        out
    }

    fn change_point(days: u64) -> Strategy {
        Strategy::ChangePoint {
            resolution_seconds: days * DAY,
        }
    }

    #[test]
    fn a_text_that_never_changes_costs_its_two_ends_and_leaves_nothing_inferred_far_from_a_download()
     {
        let texts: Vec<(u64, &str)> = (0..1000).map(|day| (day, "A")).collect();
        let (points, downloads) = run(&texts, change_point(10_000));
        assert_eq!(downloads, 2);
        assert_eq!(versions(&points, &texts), truth(&texts));
        let inferred = points
            .iter()
            .filter(|p| p.state == PointState::Inferred)
            .count();
        assert_eq!(inferred, 998);

        // A resolution of 100 days over 1000 days: no capture inferred more than 100 days
        // before a downloaded one, and no more downloads than that needs (days 0, 101, 202,
        // ..., 909 and 999).
        let (points, downloads) = run(&texts, change_point(100));
        assert_eq!(downloads, 11);
        for (i, point) in points.iter().enumerate() {
            if point.state == PointState::Inferred {
                let next_known = points[i..]
                    .iter()
                    .find(|p| matches!(p.state, PointState::Known(_)))
                    .expect("the last capture is downloaded");
                assert!(point.timestamp.seconds_between(&next_known.timestamp) <= 100 * DAY);
            }
        }
    }

    #[test]
    fn a_text_can_hide_only_where_it_would_have_lasted_no_longer_than_the_resolution() {
        // A capture every 200 days, a resolution of 365: a text first seen at an inferred
        // capture ends by the next download at most 365 days on, so every other capture is
        // enough (days 0, 400, 800, 1200, 1600 and 2000), where a download every 365 days
        // would take them all.
        let texts: Vec<(u64, &str)> = (0..=10).map(|k| (k * 200, "A")).collect();
        let (points, downloads) = run(&texts, change_point(365));
        assert_eq!(downloads, 6);
        assert_eq!(versions(&points, &texts), truth(&texts));
        // B on days 1000 and 1200 lasted 400 days (to day 1400): found, with its first capture.
        let texts: Vec<(u64, &str)> = (0..=10)
            .map(|k| (k * 200, if k == 5 || k == 6 { "B" } else { "A" }))
            .collect();
        let (points, _) = run(&texts, change_point(365));
        assert_eq!(versions(&points, &texts), truth(&texts));
        // B on day 1000 alone lasted 200 days: shorter than the resolution, it may be missed.
        let texts: Vec<(u64, &str)> = (0..=10)
            .map(|k| (k * 200, if k == 5 { "B" } else { "A" }))
            .collect();
        let (points, downloads) = run(&texts, change_point(365));
        assert_eq!(downloads, 6);
        assert_eq!(versions(&points, &texts), vec![(0, "A".into())]);
    }

    #[test]
    fn each_change_is_pinned_to_its_exact_first_capture_in_logarithmic_downloads() {
        let texts: Vec<(u64, &str)> = (0..1024)
            .map(|day| (day, if day < 700 { "A" } else { "B" }))
            .collect();
        let (points, downloads) = run(&texts, change_point(10_000));
        assert_eq!(
            versions(&points, &texts),
            vec![(0, "A".into()), (700, "B".into())]
        );
        assert!(downloads <= 2 + 11, "{downloads} downloads");
    }

    #[test]
    fn a_change_at_an_outstanding_length_jump_is_pinned_in_two_downloads() {
        // Churn moves the record size by a few bytes; the new text makes it 180 bytes larger.
        let texts: Vec<(u64, &str)> = (0..1024)
            .map(|day| (day, if day < 700 { "A" } else { "B" }))
            .collect();
        let lengths: Vec<Option<u64>> = (0..1024u64)
            .map(|day| Some(if day < 700 { 5_000 } else { 5_180 } + day % 5))
            .collect();
        let (points, downloads) = run_sized(&texts, &lengths, change_point(10_000));
        assert_eq!(
            versions(&points, &texts),
            vec![(0, "A".into()), (700, "B".into())]
        );
        assert_eq!(
            downloads,
            2 + 2,
            "the two ends, then both sides of the jump"
        );

        // A jump that is no change (a redesign at day 300) costs one download more, then the
        // search goes on to the real one.
        let lengths: Vec<Option<u64>> = (0..1024u64)
            .map(|day| {
                Some(
                    match day {
                        0..300 => 4_000,
                        300..700 => 5_000,
                        _ => 5_180,
                    } + day % 5,
                )
            })
            .collect();
        let (points, downloads) = run_sized(&texts, &lengths, change_point(10_000));
        assert_eq!(
            versions(&points, &texts),
            vec![(0, "A".into()), (700, "B".into())]
        );
        assert!(downloads <= 2 + 3, "{downloads} downloads");
    }

    #[test]
    fn a_change_where_the_record_sizes_step_cleanly_is_pinned_in_two_downloads() {
        // A new text 5 bytes larger, churn of a byte: under the jump's 8-byte floor, but every
        // capture sits at one end's size or the other's, A's before B's.
        let texts: Vec<(u64, &str)> = (0..1024)
            .map(|day| (day, if day < 700 { "A" } else { "B" }))
            .collect();
        let sizes = |day: u64, a: u64, b: u64| Some(if day < 700 { a } else { b } + day % 2);
        let lengths: Vec<Option<u64>> = (0..1024).map(|day| sizes(day, 5_000, 5_005)).collect();
        let (points, downloads) = run_sized(&texts, &lengths, change_point(10_000));
        assert_eq!(versions(&points, &texts), truth(&texts));
        assert_eq!(
            downloads,
            2 + 2,
            "the two ends, then both sides of the step"
        );
        // Sizes that do not hold still (churn as large as the step) give no guess: halving.
        let lengths: Vec<Option<u64>> = (0..1024)
            .map(|day| sizes(day, 5_000 + day % 7 * 3, 5_005 + day % 7 * 3))
            .collect();
        let (points, downloads) = run_sized(&texts, &lengths, change_point(10_000));
        assert_eq!(versions(&points, &texts), truth(&texts));
        assert!(downloads > 2 + 2, "{downloads} downloads");
    }

    #[test]
    fn a_reversion_longer_than_the_resolution_is_found_and_a_shorter_one_may_be_missed() {
        // A for 400 days, B for 50 days, A again: both ends hold A.
        let texts: Vec<(u64, &str)> = (0..800)
            .map(|day| (day, if (400..450).contains(&day) { "B" } else { "A" }))
            .collect();
        let (points, _) = run(&texts, change_point(40));
        assert_eq!(versions(&points, &texts), truth(&texts));
        // With a resolution longer than the whole history, only the ends are looked at.
        let (points, downloads) = run(&texts, change_point(1000));
        assert_eq!(downloads, 2);
        assert_eq!(versions(&points, &texts), vec![(0, "A".into())]);
    }

    #[test]
    fn a_short_text_between_two_captures_of_the_same_text_is_looked_at_when_its_size_stands_apart()
    {
        // A, then B for 20 days (its records 40 bytes larger), then A again: all within the
        // resolution, so the ends alone would settle the span.
        let texts: Vec<(u64, &str)> = (0..600)
            .map(|day| (day, if (300..320).contains(&day) { "B" } else { "A" }))
            .collect();
        // Records of `b_size` bytes during B, 5,000 otherwise, plus churn of `day % wander`.
        let sizes = |b_size: u64, wander: u64| -> Vec<Option<u64>> {
            (0..600u64)
                .map(|day| {
                    let size = if (300..320).contains(&day) {
                        b_size
                    } else {
                        5_000
                    };
                    Some(size + day % wander)
                })
                .collect()
        };
        let (points, _) = run_sized(&texts, &sizes(5_040, 2), change_point(1000));
        assert_eq!(versions(&points, &texts), truth(&texts));

        // B only 4 bytes larger, with sizes that otherwise hold still to a byte: looked at too.
        let (points, _) = run_sized(&texts, &sizes(5_004, 2), change_point(1000));
        assert_eq!(versions(&points, &texts), truth(&texts));
        // The same 4 bytes among sizes that wander by as much: not told from churn.
        let lengths = sizes(5_004, 5);
        let (points, downloads) = run_sized(&texts, &lengths, change_point(1000));
        assert_eq!((downloads, versions(&points, &texts).len()), (2, 1));

        // A redesign moves the size for good, with no new text: no capture stands apart from
        // both ends, and the span is settled on its two ends.
        let texts: Vec<(u64, &str)> = (0..600).map(|day| (day, "A")).collect();
        let lengths: Vec<Option<u64>> = (0..600u64)
            .map(|day| Some(if day < 300 { 5_000 } else { 6_000 } + day % 2))
            .collect();
        let (_, downloads) = run_sized(&texts, &lengths, change_point(1000));
        assert_eq!(downloads, 2);
    }

    #[test]
    fn a_long_span_whose_ends_differ_with_no_jump_is_split_where_its_cover_needs_a_download() {
        // A on day 0, B on day 2000, daily captures between with no lengths: the first split
        // is the capture 100 days after the first one left (the resolution cover's first),
        // not day 1000.
        let mut points: Vec<Point> = (0..=2000)
            .map(|day| Point {
                id: day as i64,
                timestamp: at_day(day),
                length: None,
                state: PointState::Pending,
            })
            .collect();
        points[0].state = PointState::Known(Some("A".into()));
        points[2000].state = PointState::Known(Some("B".into()));
        assert_eq!(next_step(&points, change_point(100)).download, vec![101]);
        // Within the resolution, the middle capture.
        assert_eq!(next_step(&points, change_point(5000)).download, vec![1000]);
    }

    #[test]
    fn every_version_longer_than_the_resolution_is_found_on_random_histories() {
        check_random_histories(false);
    }

    #[test]
    fn record_lengths_only_choose_where_to_split_on_random_histories() {
        // Lengths that mislead as often as they help: churn of a few bytes, template redesigns
        // that jump without a new text, and new texts of the same size as the old.
        check_random_histories(true);
    }

    /// 200 random histories (the same on every run) searched to the end: every version longer
    /// than the resolution is looked at, every change seen is pinned, nothing found is false.
    /// `sized`: captures carry CDX lengths.
    fn check_random_histories(sized: bool) {
        // A small xorshift generator: the same histories on every run.
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move |bound: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % bound
        };
        let names = ["A", "B", "C", "D"];
        for _ in 0..200 {
            let mut texts = Vec::new();
            let mut lengths = Vec::new();
            let (mut day, mut text) = (0, names[0]);
            let mut size = 20_000;
            for _ in 0..(20 + next(400)) {
                day += 1 + next(20);
                if next(30) == 0 {
                    text = names[next(4) as usize];
                    // A new text: sometimes the same size, sometimes far from it.
                    size = if next(3) == 0 {
                        size
                    } else {
                        15_000 + next(10_000)
                    };
                }
                if next(40) == 0 {
                    // A redesign: the size jumps, the text stays.
                    size = 15_000 + next(10_000);
                }
                // Now and then a capture with no text (an archived error).
                texts.push((day, if next(50) == 0 { "" } else { text }));
                lengths.push(sized.then(|| size + next(6)));
            }
            let resolution = 30;
            let (points, downloads) = run_sized(&texts, &lengths, change_point(resolution));
            // No search does better than the floor that knows every text.
            let floor = fewest_downloads(&all_known(&texts), resolution * DAY, false);
            assert!(
                downloads >= floor,
                "{downloads} downloads under the floor {floor}"
            );
            let found = versions(&points, &texts);
            let truth = truth(&texts);
            assert!(downloads <= texts.len());
            let last_day = texts.last().expect("captures").0;
            for (i, version) in truth.iter().enumerate() {
                let end = truth.get(i + 1).map_or(last_day + 1, |v| v.0);
                if end - version.0 > resolution {
                    // A version that lasted longer than the resolution has a capture
                    // downloaded in its time: the history shows its text then. (Its start is
                    // a change only when the version before it was seen: after a reversion
                    // to it from a version shorter than the resolution, it continues the
                    // text before.)
                    assert!(
                        points.iter().any(|p| {
                            let day = texts[p.id as usize].0;
                            (version.0..end).contains(&day) && text_of(p) == Some(&version.1)
                        }),
                        "{version:?} lasted {} days and was never looked at",
                        end - version.0
                    );
                }
            }
            // Every change the search saw is pinned: between two downloaded captures with
            // different texts, no capture is left unread.
            let known: Vec<usize> = (0..points.len())
                .filter(|&i| text_of(&points[i]).is_some())
                .collect();
            for pair in known.windows(2) {
                if text_of(&points[pair[0]]) != text_of(&points[pair[1]]) {
                    assert!(
                        (pair[0] + 1..pair[1])
                            .all(|i| matches!(points[i].state, PointState::Known(_))),
                        "a change between {pair:?} is not pinned"
                    );
                }
            }
            // What the search finds is always true: each found version starts where a true one
            // does, or is a true text seen late (never a text that did not hold then).
            for version in &found {
                let truth_at = truth
                    .iter()
                    .rev()
                    .find(|v| v.0 <= version.0)
                    .expect("a true version holds");
                assert_eq!(truth_at.1, version.1);
            }
        }
    }

    /// Every capture of `texts` downloaded.
    fn all_known(texts: &[(u64, &str)]) -> Vec<Point> {
        texts
            .iter()
            .enumerate()
            .map(|(i, &(day, text))| Point {
                id: i as i64,
                timestamp: at_day(day),
                length: None,
                state: PointState::Known((!text.is_empty()).then(|| text.to_owned())),
            })
            .collect()
    }

    #[test]
    fn the_floor_is_the_two_ends_the_resolution_cover_and_both_sides_of_each_change() {
        let texts: Vec<(u64, &str)> = (0..1024)
            .map(|day| (day, if day < 700 { "A" } else { "B" }))
            .collect();
        let points = all_known(&texts);
        // The whole history within the resolution: its two ends; pinning the change adds
        // days 699 and 700 (what the length jump reaches in the test above).
        assert_eq!(fewest_downloads(&points, 10_000 * DAY, false), 2);
        assert_eq!(fewest_downloads(&points, 10_000 * DAY, true), 4);
        // A resolution of 100 days: the cover of the search's own run above (days 0, 101,
        // 202, ..., 1010 and 1023).
        assert_eq!(fewest_downloads(&points, 100 * DAY, false), 12);
        // Captures with no text are not needed; a gap with no capture inside is no hole.
        let texts = [(0, "A"), (1, ""), (500, "A"), (501, "")];
        assert_eq!(fewest_downloads(&all_known(&texts), 10 * DAY, false), 2);
        assert_eq!(fewest_downloads(&all_known(&[(0, "")]), DAY, true), 0);
    }

    #[test]
    fn captures_with_no_text_are_transparent_and_unavailable_ones_make_their_span_wait() {
        let texts = [(0, "A"), (1, ""), (2, ""), (3, "B")];
        let (points, downloads) = run(&texts, change_point(1000));
        assert_eq!(versions(&points, &texts), truth(&texts));
        assert_eq!(downloads, 4);

        let mut points: Vec<Point> = (0..5)
            .map(|i| Point {
                id: i,
                timestamp: at_day(i as u64),
                length: None,
                state: PointState::Pending,
            })
            .collect();
        points[0].state = PointState::Known(Some("A".into()));
        points[4].state = PointState::Known(Some("B".into()));
        points[2].state = PointState::Unavailable;
        // The middle of the span is unavailable: nothing else is tried in its place.
        assert!(next_step(&points, change_point(1000)).is_done());
    }

    #[test]
    fn exhaustive_downloads_everything_open_and_princeton_two_a_year() {
        let texts: Vec<(u64, &str)> = (0..730).map(|day| (day, "A")).collect();
        let (_, downloads) = run(&texts, Strategy::Exhaustive);
        assert_eq!(downloads, 730);
        // 2010-01-01 .. 2011-12-31: April and October of both years.
        let (points, downloads) = run(&texts, Strategy::Princeton);
        assert_eq!(downloads, 4);
        let days: Vec<u64> = points
            .iter()
            .filter(|p| matches!(p.state, PointState::Known(_)))
            .map(|p| texts[p.id as usize].0)
            .collect();
        assert_eq!(days, vec![90, 273, 455, 638]);
    }
}
