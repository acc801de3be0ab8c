//! When to draw. A key after a pause draws at once; keys that keep coming (key repeat, 16–40 ms
//! apart) are taken as they arrive and drawn at most once per frame interval, the interval
//! growing while they keep coming (50, 200, then 250 ms), and never shorter than twice what the last frame took to
//! write (a slow link blocks the write). So a held `j` costs a few frames, not one per key, and
//! over a slow link frames are dropped rather than queued behind each other (issue 15: ten
//! held `j`s at 64 kbit/s kept the screen moving for 6.9 s after the key was let go).

use std::time::{Duration, Instant};

/// The first interval of a burst.
pub const BASE: Duration = Duration::from_millis(50);
/// The longest interval keys alone grow it to.
pub const MAX: Duration = Duration::from_millis(250);
/// No input for this long ends a burst: what it did is drawn, and the next key draws at once.
pub const QUIET: Duration = Duration::from_millis(60);
/// The longest interval a slow write can impose.
const SLOW_MAX: Duration = Duration::from_secs(1);

#[derive(Debug, Clone)]
pub struct Pace {
    interval: Duration,
    /// Twice what writing the last frame took.
    slow: Duration,
    /// When the last frame was written.
    last_frame: Option<Instant>,
    last_input: Option<Instant>,
    /// Input has changed what is shown and is not drawn yet.
    pending: bool,
    /// That input came while the last frame was younger than the interval: a burst.
    waited: bool,
}

impl Default for Pace {
    fn default() -> Self {
        Pace { interval: BASE, slow: Duration::ZERO, last_frame: None, last_input: None, pending: false, waited: false }
    }
}

impl Pace {
    /// Input was taken at `now`.
    pub fn input(&mut self, now: Instant) {
        // Keys that came while a frame was drawn are read after it: the pause is counted from
        // the later of the last key and the last frame, or a slow frame would end every burst.
        let since = self.last_input.max(self.last_frame);
        if since.is_none_or(|t| now.saturating_duration_since(t) >= QUIET) {
            // A new burst starts from the base interval (or what the link allows).
            self.interval = BASE.max(self.slow);
        }
        self.last_input = Some(now);
        if !self.pending {
            self.pending = true;
            self.waited = !self.frame_old(now);
        }
    }

    fn frame_old(&self, now: Instant) -> bool {
        self.last_frame.is_none_or(|t| now.saturating_duration_since(t) >= self.interval)
    }

    pub fn pending(&self) -> bool {
        self.pending
    }

    /// When what is pending must be drawn: the interval is up, or the input has stopped.
    fn deadline(&self) -> Option<Instant> {
        if !self.pending {
            return None;
        }
        let (Some(frame), Some(input)) = (self.last_frame, self.last_input) else {
            // Nothing drawn yet: draw at once.
            return self.last_input.or(Some(Instant::now()));
        };
        // Not even a finished burst starts a frame sooner than the link allows.
        Some((frame + self.interval).min((input + QUIET).max(frame + self.slow)))
    }

    /// Whether the pending input is drawn now.
    pub fn due(&self, now: Instant) -> bool {
        self.pending && self.deadline().is_none_or(|d| now >= d)
    }

    /// How long to keep taking input before drawing (None: nothing is waiting to be drawn).
    pub fn wait(&self, now: Instant) -> Option<Duration> {
        self.deadline().map(|d| d.saturating_duration_since(now))
    }

    /// A frame was drawn, finishing at `end`; handing it to the terminal took `write`.
    pub fn drawn(&mut self, end: Instant, write: Duration) {
        if self.pending && self.waited {
            // Four times: held keys reach the longest interval after two frames.
            self.interval = (self.interval * 4).min(MAX);
        }
        self.slow = (write * 2).min(SLOW_MAX);
        self.interval = self.interval.max(self.slow);
        self.last_frame = Some(end);
        self.pending = false;
        self.waited = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs the event loop's rule over keys arriving at `keys` (ms from the start), each frame
    /// taking `write` ms; returns the times (ms) frames were drawn.
    fn run(keys: &[u64], write: u64) -> Vec<u64> {
        let t0 = Instant::now();
        let at = |ms: u64| t0 + Duration::from_millis(ms);
        let mut pace = Pace::default();
        let mut frames = vec![];
        let (mut now, mut next) = (0u64, 0usize);
        loop {
            let wake = pace.wait(at(now)).map(|d| now + d.as_millis() as u64);
            match (keys.get(next), wake) {
                (Some(k), Some(w)) if w <= *k => now = now.max(w),
                (Some(k), _) => {
                    now = now.max(*k);
                    pace.input(at(now));
                    next += 1;
                }
                (None, Some(w)) => now = now.max(w),
                (None, None) => return frames,
            }
            if pace.due(at(now)) {
                frames.push(now);
                pace.drawn(at(now + write), Duration::from_millis(write));
                now += write;
            }
        }
    }

    #[test]
    fn thirty_repeated_keys_cost_at_most_five_frames_and_the_last_is_drawn_soon() {
        let keys: Vec<u64> = (0..30).map(|i| i * 16).collect();
        let frames = run(&keys, 1);
        // Each interval counts from the end of the frame before (written in 1 ms here).
        assert_eq!(frames, [0, 51, 252, 503], "four frames, the last with every key in it");
        assert_eq!(frames[0], 0, "the first key draws at once: {frames:?}");
        let last = *frames.last().unwrap_or(&0);
        assert!(last >= 464 && last <= 464 + QUIET.as_millis() as u64, "{frames:?}");
        // Frames slow to draw (80 ms each) read the keys that came meanwhile all at once: that
        // is still the same burst.
        let frames = run(&keys, 80);
        assert!(frames.len() <= 5, "{frames:?}");
    }

    #[test]
    fn keys_typed_a_tenth_of_a_second_apart_each_draw_at_once() {
        let keys: Vec<u64> = (0..10).map(|i| i * 100).collect();
        assert_eq!(run(&keys, 2), keys);
        // 14 a second (fast typing) still draws every key at once.
        let keys: Vec<u64> = (0..10).map(|i| i * 70).collect();
        assert_eq!(run(&keys, 2), keys);
    }

    #[test]
    fn a_slow_write_spaces_the_frames_out() {
        // Frames that take 200 ms to write (a saturated link): keys every 30 ms for 2 s are
        // drawn at most every 400 ms, not once per key.
        let keys: Vec<u64> = (0..66).map(|i| i * 30).collect();
        let frames = run(&keys, 200);
        assert!(frames.len() <= 7, "{frames:?}");
        assert!(frames.windows(2).all(|w| w[1] - w[0] >= 400), "{frames:?}");
    }
}
