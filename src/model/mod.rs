//! The pure core: actors, the network, schedules, scenarios. No I/O, no
//! clocks, no randomness, no web APIs: the same code runs natively under the
//! explorer and the tests, and inside the Web Workers.

pub mod actor;
pub mod bank;
pub mod challenge;
pub mod fridge;
pub mod network;
pub mod people;
pub mod predict;
pub mod scenario;
pub mod schedule;
pub mod system;

pub use actor::{Actor, ActorId, ActorState, Handled, Msg, Outbox};
pub use challenge::{Goal, Progress};
pub use network::Network;
pub use scenario::{Outcome, Protocol, Scenario, ScenarioError};
pub use schedule::{Schedule, Step};
pub use system::{Delivery, ReplayError, System, World};
