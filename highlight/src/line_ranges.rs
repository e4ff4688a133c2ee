//! Sets of line numbers, as a fence marks them (`{3-5,7}`): which lines of a block the frame
//! highlights, shows as inserted or shows as deleted.

use std::fmt;
use std::ops::RangeInclusive;

/// A set of 1-based line numbers, kept as sorted, non-overlapping, non-adjacent ranges.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineRanges {
    ranges: Vec<RangeInclusive<u32>>,
}

impl LineRanges {
    /// The set holding the given ranges (in any order, overlapping or not).
    pub fn from_ranges(ranges: impl IntoIterator<Item = RangeInclusive<u32>>) -> LineRanges {
        let mut set = LineRanges::default();
        for range in ranges {
            set.insert(range);
        }
        set
    }

    /// Adds a range, merging it with the ranges it overlaps or touches.
    pub fn insert(&mut self, range: RangeInclusive<u32>) {
        let (mut start, mut end) = (*range.start(), *range.end());
        if start > end {
            return;
        }
        let mut merged = Vec::with_capacity(self.ranges.len() + 1);
        for existing in self.ranges.drain(..) {
            if *existing.end() < start.saturating_sub(1) || *existing.start() > end.saturating_add(1) {
                merged.push(existing);
            } else {
                start = start.min(*existing.start());
                end = end.max(*existing.end());
            }
        }
        merged.push(start..=end);
        merged.sort_by_key(|range| *range.start());
        self.ranges = merged;
    }

    /// Whether 1-based line `line` is in the set.
    pub fn contains(&self, line: u32) -> bool {
        self.ranges.iter().any(|range| range.contains(&line))
    }

    /// Whether the set has no line.
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// The ranges, sorted.
    pub fn ranges(&self) -> &[RangeInclusive<u32>] {
        &self.ranges
    }
}

impl fmt::Display for LineRanges {
    /// Writes the set the way a fence does: `3-5,7`.
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, range) in self.ranges.iter().enumerate() {
            if index > 0 {
                formatter.write_str(",")?;
            }
            if range.start() == range.end() {
                write!(formatter, "{}", range.start())?;
            } else {
                write!(formatter, "{}-{}", range.start(), range.end())?;
            }
        }
        Ok(())
    }
}
