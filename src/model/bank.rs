//! The bank account and its customers, from the reading: requests are a
//! discriminated union (deposit, withdrawal, balance), and every reply
//! carries the balance after the operation. A withdrawal subtracts
//! unconditionally, so the account can go below zero: that is the race a
//! check-then-act customer walks into. `WithdrawIf` is the fix: one atomic
//! request that checks and withdraws.

use serde::{Deserialize, Serialize};

use super::actor::{ActorId, Msg, Outbox};

/// The account's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Bank {
    pub balance: i32,
}

impl Bank {
    /// Handles one request to completion and replies with the balance after
    /// it. A negative amount, or one that would overflow the balance, is
    /// refused (`ok: false`) and changes nothing.
    pub fn handle(&mut self, from: ActorId, msg: Msg, out: &mut Outbox) -> bool {
        let ok = match msg {
            Msg::Deposit(a) => a >= 0 && self.apply(self.balance.checked_add(a)),
            Msg::Withdraw(a) => a >= 0 && self.apply(self.balance.checked_sub(a)),
            Msg::WithdrawIf(a) => {
                a >= 0 && self.balance >= a && self.apply(self.balance.checked_sub(a))
            }
            Msg::Balance => true,
            _ => return false,
        };
        out.push((
            from,
            Msg::BankResult {
                balance: self.balance,
                ok,
            },
        ));
        true
    }

    fn apply(&mut self, next: Option<i32>) -> bool {
        match next {
            Some(b) => {
                self.balance = b;
                true
            }
            None => false,
        }
    }
}

/// Where a customer is in their protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum CustomerPhase {
    /// Asked for the balance; waiting to see it.
    Checking,
    /// Saw enough, so asked to withdraw.
    Withdrawing,
    /// Asked the bank to withdraw only if the balance allows (the fix).
    AskingIf,
    /// The withdrawal went through.
    Withdrew,
    /// Saw too little, or the bank refused: no withdrawal.
    Declined,
}

impl std::fmt::Display for CustomerPhase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            CustomerPhase::Checking => "checking the balance",
            CustomerPhase::Withdrawing => "withdrawing",
            CustomerPhase::AskingIf => "asking to withdraw if there is enough",
            CustomerPhase::Withdrew => "withdrew",
            CustomerPhase::Declined => "did not withdraw",
        })
    }
}

/// A customer's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Customer {
    pub phase: CustomerPhase,
}

impl Customer {
    /// Check, then act: ask for the balance first.
    pub fn check_then_withdraw(out: &mut Outbox) -> Customer {
        out.push((ActorId::SERVER, Msg::Balance));
        Customer {
            phase: CustomerPhase::Checking,
        }
    }

    /// The fix: one atomic request.
    pub fn withdraw_if(amount: i32, out: &mut Outbox) -> Customer {
        out.push((ActorId::SERVER, Msg::WithdrawIf(amount)));
        Customer {
            phase: CustomerPhase::AskingIf,
        }
    }

    /// Handles the bank's reply; `amount` is what this customer wants.
    pub fn handle(&mut self, amount: i32, msg: Msg, out: &mut Outbox) -> bool {
        let Msg::BankResult { balance, ok } = msg else {
            return false;
        };
        self.phase = match self.phase {
            CustomerPhase::Checking if balance >= amount => {
                out.push((ActorId::SERVER, Msg::Withdraw(amount)));
                CustomerPhase::Withdrawing
            }
            CustomerPhase::Checking => CustomerPhase::Declined,
            CustomerPhase::Withdrawing | CustomerPhase::AskingIf if ok => CustomerPhase::Withdrew,
            CustomerPhase::Withdrawing | CustomerPhase::AskingIf => CustomerPhase::Declined,
            _ => return false,
        };
        true
    }
}
