//! [`Count`]: a number of schedules, exact or saturated, which the
//! search, the symmetry reduction and the trace count all add up.

use std::fmt;

/// A number of schedules: exact, or saturated at `u128::MAX` with a flag.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Count {
    pub value: u128,
    pub saturated: bool,
}

impl Count {
    pub const ONE: Count = Count {
        value: 1,
        saturated: false,
    };

    pub(crate) fn add(&mut self, other: Count) {
        let (v, over) = self.value.overflowing_add(other.value);
        *self = Count {
            value: if over { u128::MAX } else { v },
            saturated: self.saturated || other.saturated || over,
        };
    }
}

impl fmt::Display for Count {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.saturated {
            write!(f, "more than {}", u128::MAX)
        } else {
            write!(f, "{}", self.value)
        }
    }
}
