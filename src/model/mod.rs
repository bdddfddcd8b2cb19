//! The pure core: actors, the network, schedules, scenarios. No I/O, no
//! clocks, no randomness, no web APIs: the same code runs natively under the
//! explorer and the tests, and inside the Web Workers. What a message means
//! is in the protocol's file, run by [`crate::lang`]; this module moves
//! messages, keeps states and names outcomes.

pub mod actor;
pub mod challenge;
pub mod network;
pub mod outcome;
pub mod predict;
pub mod scenario;
pub mod schedule;
pub mod system;

pub use actor::{ActorId, ActorState, Handled, Msg, Outbox};
pub use challenge::{Goal, Progress};
pub use network::{Faults, Network, Offer};
pub use outcome::{Outcome, Waiting};
pub use scenario::{Scenario, ScenarioError};
pub use schedule::{Act, Schedule, Step};
pub use system::{ClientStatus, Delivery, Failure, ReplayError, System, World};
