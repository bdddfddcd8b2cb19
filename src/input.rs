//! The page's input layer: what a click or a key asks for, as an
//! [`Action`], before anything is done about it. A button says what it
//! does in its `data-action` attribute (and the `data-*` attributes beside
//! it); [`Action::from_button`] reads those, [`Action::from_key`] reads a
//! key press, and the page applies the action it gets (`src/web/mod.rs`).
//! Pure, so every button name and every shortcut is checked natively
//! (`tests/input.rs`).

use crate::model::Step;
use crate::model::{Act, Schedule};

/// Something a person asked the page to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Deliver this message (or let the network lose or duplicate it).
    Deliver(Step),
    /// Deliver the n-th (0-based) message on offer: the digit keys.
    DeliverNth(usize),
    Back,
    Forward,
    /// Go to just after delivery k (0 is the start).
    Jump(usize),
    End,
    /// Return to the branch at this index.
    Branch(usize),
    Reset,
    Restart,
    TogglePlay,
    /// Follow the alternative at the point of no return.
    Alternative,
    Terminate,
    /// Explore every schedule (with the page's symmetry setting).
    Explore,
    /// Explore, unless an exploration is under way: the `e` key.
    ExploreIfIdle,
    CancelExplore,
    ExploreFix,
    /// The pointer or the focus reached a button that explores (`true`):
    /// start its worker, so the click does not wait for its code to load;
    /// or left it unclicked (`false`): let that worker go.
    PrepareExplorer(bool),
    /// Load a witness schedule of this scenario, or of its fixed version.
    Witness {
        fix: bool,
        schedule: String,
    },
    /// Mark or unmark candidate outcome i as predicted possible.
    Predict(usize),
    Reveal,
    /// Run live with the form's settings, unless a batch runs.
    RunLive,
    CancelLive,
    /// Load live run i (0-based) of the last batch.
    LoadLiveRun(u32),
    ClearProgress,
    Help,
    Edit,
    Apply,
    Revert,
    CloseEditor,
    /// Put the editor's cursor on a diagnostic: its span and line.
    Diagnostic {
        from: u32,
        to: u32,
        line: u32,
    },
    SaveFile,
    OpenFile,
    /// Load example `name` into the editor.
    Example(String),
    Present,
    DownloadSvg,
    DownloadPng,
    CopyMarkdown,
    CopyEmbed,
}

impl Action {
    /// The action of a button whose `data-action` is `name`; `attr` reads
    /// its other attributes, and `server_letter` is the scenario's, for
    /// the step a Deliver button names. `None` for what is not an action
    /// (or a button whose attributes do not say which one).
    /// What the pointer or the focus reaching (`entering`) or leaving the
    /// button named `name` (its `data-action`) asks before any click.
    pub fn from_approach(name: &str, entering: bool) -> Option<Action> {
        matches!(name, "explore" | "explore-fix").then_some(Action::PrepareExplorer(entering))
    }

    pub fn from_button(
        name: &str,
        attr: impl Fn(&str) -> Option<String>,
        server_letter: char,
    ) -> Option<Action> {
        let number = |key: &str| attr(key).and_then(|t| t.parse::<u32>().ok());
        let index = |key: &str| number(key).map(|n| n as usize);
        Some(match name {
            "deliver" => {
                let code = attr("data-step")?;
                match Schedule::parse(&code, server_letter).ok()?.0[..] {
                    [step] => Action::Deliver(step),
                    _ => return None,
                }
            }
            "back" => Action::Back,
            "forward" => Action::Forward,
            "jump" => Action::Jump(index("data-to")?),
            "end" => Action::End,
            "branch" => Action::Branch(index("data-index")?),
            "help" => Action::Help,
            "predict" => Action::Predict(index("data-index")?),
            "reveal" => Action::Reveal,
            "terminate" => Action::Terminate,
            "explore" => Action::Explore,
            "cancel-explore" => Action::CancelExplore,
            "explore-fix" => Action::ExploreFix,
            "witness" => Action::Witness {
                fix: attr("data-of").as_deref() == Some("fix"),
                schedule: attr("data-witness").unwrap_or_default(),
            },
            "cancel-live" => Action::CancelLive,
            "clear-progress" => Action::ClearProgress,
            "live-load" => Action::LoadLiveRun(number("data-run")?),
            "reset" => Action::Reset,
            "play" => Action::TogglePlay,
            "alternative" => Action::Alternative,
            "restart" => Action::Restart,
            "edit" => Action::Edit,
            "apply" => Action::Apply,
            "revert" => Action::Revert,
            "close-editor" => Action::CloseEditor,
            "diag" => Action::Diagnostic {
                from: number("data-from").unwrap_or(0),
                to: number("data-to").unwrap_or(0),
                line: number("data-line").unwrap_or(0),
            },
            "save-file" => Action::SaveFile,
            "open-file" => Action::OpenFile,
            "example" => Action::Example(attr("data-name").unwrap_or_default()),
            "present" => Action::Present,
            "download-svg" => Action::DownloadSvg,
            "download-png" => Action::DownloadPng,
            "copy-markdown" => Action::CopyMarkdown,
            "copy-embed" => Action::CopyEmbed,
            _ => return None,
        })
    }

    /// The action of a key pressed outside a form field, without Ctrl, Alt
    /// or Meta (`key` as the browser's `KeyboardEvent.key` names it).
    /// Enter and Space are not here: what they do depends on where focus
    /// is, which the page knows.
    pub fn from_key(key: &str) -> Option<Action> {
        Some(match key {
            "ArrowLeft" | "Backspace" => Action::Back,
            "ArrowRight" => Action::Forward,
            "Home" => Action::Jump(0),
            "End" => Action::End,
            "r" => Action::Reset,
            "e" => Action::ExploreIfIdle,
            "l" => Action::RunLive,
            "?" => Action::Help,
            "p" => Action::Present,
            _ => match key.as_bytes() {
                &[d @ b'1'..=b'9'] => Action::DeliverNth(usize::from(d - b'1')),
                _ => return None,
            },
        })
    }
}

/// The n-th (0-based) delivery on offer among `steps` (a world's
/// deliverable steps, in their order): faults are not counted, as the
/// digit shown on each Deliver button is not.
pub fn nth_delivery(steps: impl Iterator<Item = Step>, n: usize) -> Option<Step> {
    steps.filter(|step| step.act == Act::Deliver).nth(n)
}
