//! Challenges on the page, a part the app owns: detecting a goal as the
//! delivery that reaches it is answered, announcing it with the deliveries
//! used against the shortest possible (from the explorer), and keeping the
//! learner's best in the browser's local storage. The goals themselves are
//! in [`crate::model::challenge`]. Nothing here knows the app: it is told
//! what happened and says what should follow.

use crate::model::{
    ActorState, Goal, Handled, Msg, Progress, Scenario, Schedule, Step, System, World,
};
use crate::wire::Summary;

/// The local-storage key of the learner's progress.
const KEY: &str = "racelab-progress";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

/// Keeps `progress` in local storage; false if the browser refused.
fn save(progress: &Progress) -> bool {
    storage().is_some_and(|s| s.set_item(KEY, &progress.to_text()).is_ok())
}

/// A goal reached in the current run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reached {
    pub goal: Goal,
    /// The delivery that reached it (1-based).
    pub at: usize,
}

/// A delivery just answered, as the challenges need to see it.
pub struct Answered<'a> {
    pub step: Step,
    pub msg: Msg,
    pub handled: Handled,
    /// The receiver's state before it, and the world after it.
    pub before: &'a ActorState,
    pub after: &'a World,
    /// Its number in the run (1-based).
    pub at: usize,
    /// Made by a person (not replayed from a link or a jump).
    pub by_hand: bool,
}

/// The learner's challenges: the best kept, what this run reached, and the
/// last announcement.
pub struct Challenges {
    /// The learner's best for each challenge, as kept in local storage.
    pub progress: Progress,
    /// Challenges reached in the run on show.
    pub reached: Vec<Reached>,
    /// The last challenge announcement.
    pub news: Option<String>,
}

/// The announcement of a reached goal still waiting for the shortest
/// possible ends so.
const FINDING: &str = " Finding the shortest possible…";

impl Challenges {
    /// The saved progress; what went wrong reading it, if anything, is the
    /// first announcement.
    pub fn load() -> Challenges {
        let (progress, news) = match storage() {
            None => (
                Progress::default(),
                Some("This browser does not let racelab keep your challenge progress; challenges still work for this visit.".into()),
            ),
            Some(store) => match store.get_item(KEY) {
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
            },
        };
        Challenges {
            progress,
            reached: Vec::new(),
            news,
        }
    }

    /// A new run: nothing reached in it yet.
    pub fn new_run(&mut self) {
        self.reached.clear();
    }

    /// The run went back to just after delivery `now`: what was reached
    /// later is no longer reached.
    pub fn rewind(&mut self, now: usize) {
        self.reached.retain(|r| r.at <= now);
    }

    /// Checks the scenario's goals against a delivery just answered,
    /// announces any newly reached, and records a new best if the delivery
    /// was made by hand. Returns whether an exploration is wanted, to learn
    /// the shortest possible.
    pub fn check(
        &mut self,
        scenario: &Scenario,
        system: &System,
        explored: Option<&Summary>,
        d: Answered,
    ) -> bool {
        let mut explore = false;
        for goal in scenario.goals() {
            if self.reached.iter().any(|r| r.goal == goal)
                || !system.goal_reached(goal, d.step, d.msg, d.handled, d.before, d.after)
            {
                continue;
            }
            let reached = Reached { goal, at: d.at };
            self.reached.push(reached);
            explore |= shortest(explored, system, goal).is_none();
            let mut news = news_of(scenario, system, explored, reached);
            let new_best = d.by_hand
                && self
                    .progress
                    .record(scenario.name(), scenario.goal_id(goal), d.at as u32);
            if new_best && !save(&self.progress) {
                news.push_str(" (Your progress could not be saved in this browser.)");
            }
            self.news = Some(news);
        }
        explore
    }

    /// After an exploration: completes an announcement that was waiting
    /// for the shortest possible.
    pub fn explored(&mut self, scenario: &Scenario, system: &System, explored: Option<&Summary>) {
        if let Some(&last) = self.reached.last() {
            if self.news.as_deref().is_some_and(|n| n.ends_with(FINDING)) {
                self.news = Some(news_of(scenario, system, explored, last));
            }
        }
    }

    /// Forgets every challenge reached, here and in storage.
    pub fn clear_progress(&mut self) {
        self.progress = Progress::default();
        let cleared = storage().is_some_and(|s| s.remove_item(KEY).is_ok());
        self.news = Some(if cleared {
            "Challenge progress cleared.".into()
        } else {
            "Challenge progress cleared for this visit; this browser does not let racelab keep it."
                .into()
        });
    }
}

/// Fewest deliveries that reach `goal`, if `explored` (an exploration of
/// the scenario) tells: `Some(None)` when it proved no schedule reaches it.
pub fn shortest(explored: Option<&Summary>, system: &System, goal: Goal) -> Option<Option<usize>> {
    let summary = explored?;
    let g = summary.goals.iter().find(|g| g.goal == goal)?;
    match &g.witness {
        Some(w) => Schedule::parse(w, system.server_letter)
            .ok()
            .map(|s| Some(s.len())),
        None if summary.complete => Some(None),
        None => None,
    }
}

/// "Challenge reached: …, in 6 deliveries. That is the shortest possible."
fn news_of(scenario: &Scenario, system: &System, explored: Option<&Summary>, r: Reached) -> String {
    let shortest = match shortest(explored, system, r.goal) {
        Some(Some(n)) if n == r.at => " That is the shortest possible.".to_string(),
        Some(Some(n)) => format!(" The shortest possible is {n}."),
        _ => FINDING.to_string(),
    };
    format!(
        "Challenge reached: {}, in {} deliver{}.{shortest}",
        scenario.goal_title(r.goal),
        r.at,
        if r.at == 1 { "y" } else { "ies" }
    )
}
