//! A compiled program as bytes: how the built-ins are stored in the binary
//! (`build.rs` writes them, [`super::builtin`] reads them) and how a program
//! that is not built in travels from the compiler's worker to the page and
//! on to the actors' and the explorer's workers.
//!
//! Hand-written rather than derived with serde: the page's wasm decodes
//! programs, and serde's derived reader for the program's two dozen types
//! was about a fifth of the code a first visit loads; this one is a small
//! fraction of that. Each type lists its fields once ([`fields!`]), for
//! both directions. The format: integers as LEB128 varints (signed ones
//! zigzagged), `bool` as a byte, strings and lists as a length and their
//! items, `Option` as a byte 0 or 1 and the value, an enum as its variant's
//! number and its fields in order. Reading refuses (returns `None`)
//! anything malformed: short input, a bad tag, bad UTF-8, nesting deeper
//! than [`MAX_NESTING`] or lengths past the end; it never panics.

use super::diag::Span;
use super::program::*;

/// The deepest nesting of expressions and blocks a reader accepts; the
/// checker's own limit on nesting is far below it.
pub const MAX_NESTING: u32 = 256;

/// A program as bytes.
pub fn encode(program: &Program) -> Vec<u8> {
    let mut out = Vec::with_capacity(4096);
    program.put(&mut out);
    out
}

/// A program from [`encode`]'s bytes; `None` if they are not exactly one.
pub fn decode(bytes: &[u8]) -> Option<Program> {
    decode_all(bytes)
}

/// A value of any encodable type, which must use all of `bytes`.
pub fn decode_all<T: Binary>(bytes: &[u8]) -> Option<T> {
    let mut r = Reader {
        bytes,
        at: 0,
        depth: 0,
        ok: true,
    };
    let value = T::get(&mut r);
    (r.ok && r.at == bytes.len()).then_some(value)
}

/// A value of any encodable type as bytes.
pub fn encode_any<T: Binary>(value: &T) -> Vec<u8> {
    let mut out = Vec::new();
    value.put(&mut out);
    out
}

/// Reads bytes. A problem is remembered rather than returned at once:
/// from then on every read gives an empty value (0, `false`, empty, an
/// enum's first variant) without reading, and [`decode_all`] refuses the
/// whole. So no partly built value needs unwinding on each path, which
/// keeps the reader small.
pub struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
    depth: u32,
    ok: bool,
}

impl Reader<'_> {
    fn fail(&mut self) {
        self.ok = false;
    }

    fn byte(&mut self) -> u8 {
        match self.bytes.get(self.at) {
            Some(&b) if self.ok => {
                self.at += 1;
                b
            }
            _ => {
                self.fail();
                0
            }
        }
    }

    fn varint(&mut self) -> u64 {
        let mut value = 0u64;
        let mut shift = 0;
        loop {
            let b = self.byte();
            value |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 || !self.ok {
                return value;
            }
            shift += 7;
            if shift >= 64 {
                self.fail();
                return 0;
            }
        }
    }

    /// A number that must fit `T`.
    fn number<T: TryFrom<u64> + Default>(&mut self) -> T {
        let v = self.varint();
        T::try_from(v).unwrap_or_else(|_| {
            self.fail();
            T::default()
        })
    }

    /// A length, which cannot be more than the bytes left (every item
    /// takes at least one).
    fn len(&mut self) -> usize {
        let n: usize = self.number();
        if n > self.bytes.len() - self.at {
            self.fail();
            return 0;
        }
        n
    }
}

/// How many bytes `v` takes as a varint.
pub fn varint_len(v: u64) -> usize {
    (64 - (v | 1).leading_zeros() as usize).div_ceil(7)
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

/// A type with a binary form.
pub trait Binary: Sized {
    fn put(&self, out: &mut Vec<u8>);
    /// Reads a value; on a problem, an empty one (see [`Reader`]).
    fn get(r: &mut Reader) -> Self;
}

macro_rules! unsigned {
    ($($t:ty),*) => {$(
        impl Binary for $t {
            fn put(&self, out: &mut Vec<u8>) {
                put_varint(out, *self as u64);
            }
            fn get(r: &mut Reader) -> Self {
                r.number()
            }
        }
    )*};
}
unsigned!(u8, u16, u32, u64, usize);

impl Binary for i32 {
    fn put(&self, out: &mut Vec<u8>) {
        put_varint(out, u64::from(((*self << 1) ^ (*self >> 31)) as u32));
    }
    fn get(r: &mut Reader) -> Self {
        let z: u32 = r.number();
        ((z >> 1) as i32) ^ -((z & 1) as i32)
    }
}

impl Binary for bool {
    fn put(&self, out: &mut Vec<u8>) {
        out.push(u8::from(*self));
    }
    fn get(r: &mut Reader) -> Self {
        match r.byte() {
            0 => false,
            1 => true,
            _ => {
                r.fail();
                false
            }
        }
    }
}

impl Binary for char {
    fn put(&self, out: &mut Vec<u8>) {
        put_varint(out, u64::from(*self as u32));
    }
    fn get(r: &mut Reader) -> Self {
        let n: u32 = r.number();
        char::from_u32(n).unwrap_or_else(|| {
            r.fail();
            '\0'
        })
    }
}

impl Binary for String {
    fn put(&self, out: &mut Vec<u8>) {
        put_varint(out, self.len() as u64);
        out.extend_from_slice(self.as_bytes());
    }
    fn get(r: &mut Reader) -> Self {
        let n = r.len();
        let text = std::str::from_utf8(&r.bytes[r.at..r.at + n]).unwrap_or_else(|_| {
            r.ok = false;
            ""
        });
        r.at += n;
        text.to_string()
    }
}

impl<T: Binary> Binary for Option<T> {
    fn put(&self, out: &mut Vec<u8>) {
        match self {
            None => out.push(0),
            Some(v) => {
                out.push(1);
                v.put(out);
            }
        }
    }
    fn get(r: &mut Reader) -> Self {
        match r.byte() {
            0 => None,
            1 => Some(T::get(r)),
            _ => {
                r.fail();
                None
            }
        }
    }
}

impl<T: Binary> Binary for Vec<T> {
    fn put(&self, out: &mut Vec<u8>) {
        put_varint(out, self.len() as u64);
        for item in self {
            item.put(out);
        }
    }
    fn get(r: &mut Reader) -> Self {
        let n = r.len();
        let mut items = Vec::with_capacity(n.min(1024));
        for _ in 0..n {
            if !r.ok {
                break;
            }
            items.push(T::get(r));
        }
        items
    }
}

impl<T: Binary> Binary for Box<T> {
    fn put(&self, out: &mut Vec<u8>) {
        (**self).put(out);
    }
    fn get(r: &mut Reader) -> Self {
        Box::new(T::get(r))
    }
}

impl<A: Binary, B: Binary> Binary for (A, B) {
    fn put(&self, out: &mut Vec<u8>) {
        self.0.put(out);
        self.1.put(out);
    }
    fn get(r: &mut Reader) -> Self {
        let a = A::get(r);
        (a, B::get(r))
    }
}

/// A struct's binary form: its fields, in the order listed.
macro_rules! fields {
    ($($t:ident { $($f:ident),* $(,)? })*) => {$(
        impl Binary for $t {
            fn put(&self, out: &mut Vec<u8>) {
                $(self.$f.put(out);)*
            }
            fn get(r: &mut Reader) -> Self {
                $t { $($f: Binary::get(r)),* }
            }
        }
    )*};
}

fields! {
    Span { start, end }
    Program {
        name, title, summary, source, fixed, note, params, messages, roles, outcome,
        predict, goals, stores_ids, client_to_client, network,
    }
    NetworkDecl { unordered, lose, duplicate }
    Param { name, label, lo, hi, default }
    MessageKind { name, fields, shows }
    Role {
        name, title, letter, count, phases, vars, slots, start, start_locals, handlers,
        dispatch, invariants, shows, finished, ignore_reasons,
    }
    Var { name, slot, kind, init, line }
    Handler { kind, body, locals, lines, span }
    Invariant { expr, text, line }
    ShowRule { after, cond, pieces, locals }
    OutcomeDecl { values, shape, unsafe_if, stuck_safe, highest, shows }
    OutcomeValue { name, kind }
    Predict { lo, hi, left, count, shows }
    GoalDecl { id, title, offered, role, ignored, kind, binds, cond, locals }
}

/// An enum's binary form: the variant's number, then its fields. Each arm
/// lists a variant's number and its fields' names, once for writing (as a
/// pattern) and once for reading (as a constructor). Variant 0 is what a
/// failed read gives, so it must not nest.
macro_rules! variants {
    ($t:ident { $($n:literal => $v:ident $( ( $($p:ident),* ) )? $( { $($f:ident),* } )?),* $(,)? }) => {
        impl Binary for $t {
            fn put(&self, out: &mut Vec<u8>) {
                match self {
                    $($t::$v $( ( $($p),* ) )? $( { $($f),* } )? => {
                        out.push($n);
                        $($($p.put(out);)*)?
                        $($($f.put(out);)*)?
                    })*
                }
            }
            fn get(r: &mut Reader) -> Self {
                if r.depth >= MAX_NESTING {
                    r.fail();
                }
                r.depth += 1;
                let value = match r.byte() {
                    $($n => $t::$v $( ( $({ let $p = Binary::get(r); $p }),* ) )? $( { $($f: Binary::get(r)),* } )?,)*
                    _ => {
                        r.fail();
                        Self::get(r)
                    }
                };
                r.depth -= 1;
                value
            }
        }
    };
}

variants!(Ty { 0 => Int, 1 => Bool, 2 => Id, 3 => Phase(p) });
variants!(Count { 0 => One, 1 => Param(p) });
variants!(Budget { 0 => Fixed(n), 1 => Param(p) });
variants!(VarKind { 0 => Scalar { ty, lo, hi }, 1 => List { elem, cap } });
variants!(Action { 0 => Unexpected, 1 => Handle(h), 2 => Ignore(reason) });
variants!(BinOp {
    0 => Add, 1 => Sub, 2 => Mul, 3 => Div, 4 => Rem, 5 => Eq, 6 => Ne, 7 => Lt, 8 => Le,
    9 => Gt, 10 => Ge,
});
variants!(Stmt {
    0 => SetLocal(local, value, line),
    1 => SetSlot { slot, value, lo, hi, name, line },
    2 => Send { to, kind, args, line },
    3 => If(cond, then, otherwise, line),
    4 => While(cond, body, line),
    5 => ForRange { local, lo, hi, body, line },
    6 => ForList { local, slot, body, line },
    7 => Goto(phase, line),
    8 => Assert(cond, text, line),
    9 => Push { slot, cap, value, name, line },
    10 => Pop { slot, name, line },
    11 => Remove { slot, cap, value, line },
    12 => Clear { slot, cap, line },
});
variants!(Expr {
    0 => Const(n),
    1 => Param(p),
    2 => Slot(s),
    3 => Old(s),
    4 => Local(l),
    5 => Sender,
    6 => SelfId,
    7 => ActorOf(role),
    8 => Other(role, slot),
    9 => OutcomeValue(i),
    10 => OutcomeCount(i),
    11 => ListLen(s),
    12 => ListFirst(s, line),
    13 => ListContains(s, e),
    14 => Neg(e, line),
    15 => Not(e),
    16 => Bin(op, a, b, line),
    17 => And(a, b),
    18 => Or(a, b),
    19 => Cond(c, a, b),
    20 => Min(a, b),
    21 => Max(a, b),
    22 => Abs(e, line),
});
variants!(ShowPiece {
    0 => Text(text),
    1 => Int(e),
    2 => Bool(e),
    3 => Actor(e),
    4 => Phase(role, e),
    5 => Plural(e, word),
    6 => Names(list),
    7 => Tally(list),
});
variants!(OutcomeKind {
    0 => Value(e, ty),
    1 => Clients { role, filter, times },
});
