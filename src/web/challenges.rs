//! Challenges on the page: detecting a goal as the delivery that reaches it
//! is answered, announcing it with the deliveries used against the
//! shortest possible (from the explorer), and keeping the learner's best in
//! the browser's local storage. The goals themselves are in
//! [`crate::model::challenge`].

use super::app::App;
use crate::model::{Goal, Handled, Msg, Progress, Schedule, Step};

/// The local-storage key of the learner's progress.
const KEY: &str = "racelab-progress";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

/// The saved progress, and what went wrong reading it, if anything.
pub fn load_progress() -> (Progress, Option<String>) {
    let Some(store) = storage() else {
        return (
            Progress::default(),
            Some("This browser does not let racelab keep your challenge progress; challenges still work for this visit.".into()),
        );
    };
    match store.get_item(KEY) {
        Ok(None) => (Progress::default(), None),
        Ok(Some(text)) => match Progress::parse(&text) {
            Ok(progress) => (progress, None),
            Err(why) => (
                Progress::default(),
                Some(format!(
                    "Your saved challenge progress could not be read ({why}), so it starts afresh."
                )),
            ),
        },
        Err(_) => (
            Progress::default(),
            Some("Your saved challenge progress could not be read, so it starts afresh.".into()),
        ),
    }
}

fn save_progress(progress: &Progress) -> bool {
    storage().is_some_and(|s| s.set_item(KEY, &progress.to_text()).is_ok())
}

/// A goal reached in the current run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reached {
    pub goal: Goal,
    /// The delivery that reached it (1-based).
    pub at: usize,
}

impl App {
    /// Fewest deliveries that reach `goal` in this scenario, if explored:
    /// `Some(None)` when the explorer proved no schedule reaches it.
    pub fn shortest(&self, goal: Goal) -> Option<Option<usize>> {
        let summary = &self
            .explored
            .iter()
            .find(|e| !e.comparison && e.summary.scenario == self.scenario)?
            .summary;
        let g = summary.goals.iter().find(|g| g.goal == goal)?;
        match &g.witness {
            Some(w) => Schedule::parse(w, self.system.server_letter)
                .ok()
                .map(|s| Some(s.len())),
            None if summary.complete => Some(None),
            None => None,
        }
    }

    /// Called when a delivery's answer arrives: checks the scenario's goals
    /// against it, announces any newly reached, and records a new best if
    /// the delivery was made by hand.
    pub(super) fn check_goals(
        &mut self,
        step: Step,
        msg: Msg,
        handled: Handled,
        before: &crate::model::ActorState,
        by_hand: bool,
    ) {
        let after = self.world().clone();
        let at = self.timeline.len();
        for goal in self.scenario.goals() {
            if self.reached.iter().any(|r| r.goal == goal)
                || !goal.reached(step, msg, handled, before, &after)
            {
                continue;
            }
            self.reached.push(Reached { goal, at });
            if self.shortest(goal).is_none() {
                self.ensure_explored();
            }
            let mut news = self.news_of(Reached { goal, at });
            let new_best = by_hand
                && self
                    .progress
                    .record(self.scenario.protocol, goal, at as u32);
            if new_best && !save_progress(&self.progress) {
                news.push_str(" (Your progress could not be saved in this browser.)");
            }
            self.challenge_news = Some(news);
        }
    }

    /// "Challenge reached: …, in 6 deliveries. That is the shortest possible."
    fn news_of(&self, r: Reached) -> String {
        let shortest = match self.shortest(r.goal) {
            Some(Some(n)) if n == r.at => " That is the shortest possible.".to_string(),
            Some(Some(n)) => format!(" The shortest possible is {n}."),
            _ => " Finding the shortest possible…".to_string(),
        };
        format!(
            "Challenge reached: {}, in {} deliver{}.{shortest}",
            r.goal.title(),
            r.at,
            if r.at == 1 { "y" } else { "ies" }
        )
    }

    /// After an exploration: completes an announcement that was waiting
    /// for the shortest possible.
    pub(super) fn complete_news(&mut self) {
        if let Some(&last) = self.reached.last() {
            if self
                .challenge_news
                .as_deref()
                .is_some_and(|n| n.ends_with("Finding the shortest possible…"))
            {
                self.challenge_news = Some(self.news_of(last));
            }
        }
    }

    /// Forgets every challenge reached, here and in storage.
    pub fn clear_progress(&mut self) {
        self.progress = Progress::default();
        let cleared = storage().is_some_and(|s| s.remove_item(KEY).is_ok());
        self.challenge_news = Some(if cleared {
            "Challenge progress cleared.".into()
        } else {
            "Challenge progress cleared for this visit; this browser does not let racelab keep it."
                .into()
        });
    }
}
