//! HTML escaped by construction, and the page's number formatting.
//!
//! The page draws every region as a string of HTML. An [`Html`] value can
//! only be built from markup written in racelab's own source (string
//! literals in the [`html!`](crate::html!) macro) and from values that
//! [`Render`] themselves: text is escaped, numbers are digits, and an
//! `Html` already built goes in as it is. So a name, a message or a
//! protocol's note that came from a link can never become markup: there is
//! no way to splice a `String` in unescaped.
//!
//! Pure and native, so plain `cargo test` checks it (`tests/html.rs`).

use std::fmt::Write;

/// A piece of HTML: markup from racelab's source, text escaped.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Html(String);

impl Html {
    pub const fn new() -> Self {
        Html(String::new())
    }

    /// Markup written in racelab's source (a literal, so never outside text).
    pub fn markup(markup: &'static str) -> Self {
        Html(markup.to_string())
    }

    /// `text`, escaped.
    pub fn text(text: &str) -> Self {
        let mut html = Html::new();
        html.push_text(text);
        html
    }

    /// Appends markup written in racelab's source.
    pub fn push_markup(&mut self, markup: &'static str) {
        self.0.push_str(markup);
    }

    /// Appends `text`, escaped.
    pub fn push_text(&mut self, text: &str) {
        escape_into(&mut self.0, text);
    }

    /// Appends anything that renders itself.
    pub fn push<T: Render + ?Sized>(&mut self, value: &T) {
        value.render(self);
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Something that can go into HTML: text is escaped, numbers are their
/// digits, and HTML is itself.
pub trait Render {
    fn render(&self, out: &mut Html);
}

impl Render for str {
    fn render(&self, out: &mut Html) {
        out.push_text(self);
    }
}

impl Render for String {
    fn render(&self, out: &mut Html) {
        out.push_text(self);
    }
}

impl Render for Html {
    fn render(&self, out: &mut Html) {
        out.0.push_str(&self.0);
    }
}

impl Render for char {
    fn render(&self, out: &mut Html) {
        out.push_text(self.encode_utf8(&mut [0; 4]));
    }
}

impl<T: Render + ?Sized> Render for &T {
    fn render(&self, out: &mut Html) {
        (**self).render(out);
    }
}

/// Nothing for `None`.
impl<T: Render> Render for Option<T> {
    fn render(&self, out: &mut Html) {
        if let Some(value) = self {
            value.render(out);
        }
    }
}

macro_rules! render_integers {
    ($($t:ty),*) => {$(
        impl Render for $t {
            fn render(&self, out: &mut Html) {
                let _ = write!(out.0, "{self}");
            }
        }
    )*};
}
render_integers!(u8, u16, u32, u64, usize, i32, i64);

/// Appends HTML to an [`Html`] (a variable holding one, or a `&mut` to
/// one): each piece is either a string literal,
/// which is markup, or a value in parentheses, which is [`Render`]ed (text
/// escaped):
///
/// ```
/// use racelab::{html, html::Html};
/// let name = "<Ann>";
/// let mut out = Html::new();
/// html!(out, "<li class=\"person\">", (name), " took ", (2u32), "</li>");
/// assert_eq!(out.as_str(), "<li class=\"person\">&lt;Ann&gt; took 2</li>");
/// ```
///
/// There is no third kind of piece, so outside text cannot be spliced in
/// as markup.
#[macro_export]
macro_rules! html {
    (@piece $out:ident, $markup:literal) => {
        $out.push_markup($markup)
    };
    (@piece $out:ident, ($value:expr)) => {
        $out.push(&$value)
    };
    ($out:ident, $($piece:tt),* $(,)?) => {{
        $( $crate::html!(@piece $out, $piece); )*
    }};
}

/// A new [`Html`] from pieces, as [`html!`](crate::html!) appends them.
#[macro_export]
macro_rules! html_of {
    ($($piece:tt),* $(,)?) => {{
        let mut out = $crate::html::Html::new();
        $crate::html!(out, $($piece),*);
        out
    }};
}

/// `&`, `<`, `>`, `"` and `'` made safe for text and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text);
    out
}

fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// Digits of a decimal count in groups of three: 26190 → "26,190".
/// Anything that is not all digits comes back as it is.
pub fn grouped(digits: &str) -> String {
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return digits.to_string();
    }
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `x` with `decimals` digits after the point (at most 9), rounded half
/// away from zero; "0" for what is not a finite number in range. By hand,
/// because `format!("{:.N}")` pulls float formatting into the wasm (about
/// 5 KB of the bundle's budget).
pub fn fixed(x: f64, decimals: u32) -> String {
    let decimals = decimals.min(9);
    let scale = 10u64.pow(decimals);
    let scaled = (x.abs() * scale as f64).round();
    if !scaled.is_finite() || scaled >= u64::MAX as f64 {
        return "0".into();
    }
    let scaled = scaled as u64;
    let sign = if x < 0.0 && scaled > 0 { "-" } else { "" };
    let (whole, frac) = (scaled / scale, scaled % scale);
    if decimals == 0 {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{frac:0width$}", width = decimals as usize)
    }
}

/// "1 delivery", "2 deliveries": `n` and the noun for it.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
