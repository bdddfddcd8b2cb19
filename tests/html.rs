//! The page's text helpers, natively: HTML escaped by construction, and
//! number formatting.

use racelab::html::{escape, fixed, grouped, Html};
use racelab::{html, html_of};

#[test]
fn text_is_escaped_wherever_it_goes() {
    let hostile = r#"<script>alert('x')</script> & "quoted""#;
    let out = html_of!("<li title=\"", (hostile), "\">", (hostile), "</li>");
    assert_eq!(
        out.as_str(),
        "<li title=\"&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quoted&quot;\">\
         &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quoted&quot;</li>"
    );
    // Owned strings, references to them and characters are text too.
    let owned = String::from("a<b");
    let out = html_of!((owned), (&owned), ('>'), (Some("&")), (None::<&str>));
    assert_eq!(out.as_str(), "a&lt;ba&lt;b&gt;&amp;");
}

#[test]
fn markup_and_html_already_built_go_in_as_they_are() {
    let inner = html_of!("<b>", ("x&y"), "</b>");
    let mut out = Html::markup("<p>");
    html!(out, (inner), " and ", (Html::text("<i>")), "</p>");
    assert_eq!(out.as_str(), "<p><b>x&amp;y</b> and &lt;i&gt;</p>");
    // Appending through a reference works the same.
    let target = &mut out;
    html!(target, "<br>");
    assert!(out.as_str().ends_with("</p><br>"));
}

#[test]
fn numbers_are_their_digits() {
    let out = html_of!(
        (0u8),
        " ",
        (65_535u16),
        " ",
        (7u32),
        " ",
        (u64::MAX),
        " ",
        (3usize),
        " ",
        (-12i32),
        " ",
        (i64::MIN)
    );
    assert_eq!(
        out.as_str(),
        "0 65535 7 18446744073709551615 3 -12 -9223372036854775808"
    );
}

#[test]
fn escape_leaves_ordinary_text_alone_and_handles_unicode() {
    assert_eq!(escape("Ann → fridge: take"), "Ann → fridge: take");
    assert_eq!(escape(""), "");
    assert_eq!(escape("<<>>"), "&lt;&lt;&gt;&gt;");
    assert_eq!(escape("'\""), "&#39;&quot;");
}

#[test]
fn counts_are_grouped_in_threes() {
    for (digits, shown) in [
        ("0", "0"),
        ("999", "999"),
        ("1000", "1,000"),
        ("26190", "26,190"),
        ("75861878400", "75,861,878,400"),
        ("", ""),
    ] {
        assert_eq!(grouped(digits), shown, "{digits}");
    }
    // Not a count: unchanged.
    assert_eq!(grouped("12a45"), "12a45");
    assert_eq!(grouped("-1000"), "-1000");
}

#[test]
fn fixed_rounds_half_away_from_zero_without_float_formatting() {
    for (x, decimals, shown) in [
        (0.0, 1, "0.0"),
        (1.25, 1, "1.3"),
        (-1.25, 1, "-1.3"),
        (2.5, 0, "3"),
        (-0.04, 1, "0.0"),
        (99.95, 1, "100.0"),
        (1.0 / 3.0, 6, "0.333333"),
        (123.456, 2, "123.46"),
        (f64::NAN, 1, "0"),
        (f64::INFINITY, 2, "0"),
        (1e30, 1, "0"),
    ] {
        assert_eq!(fixed(x, decimals), shown, "{x} to {decimals}");
    }
    // At most 9 decimals, however many are asked for.
    assert_eq!(fixed(0.5, 40), "0.500000000");
    // The same as Rust's own formatting wherever no tie is involved.
    for i in 0..2000 {
        let x = f64::from(i) * 0.0137 - 13.0;
        if ((x.abs() * 1000.0).fract() - 0.5).abs() < 1e-6 {
            continue; // a tie in decimal, not in binary
        }
        assert_eq!(
            fixed(x, 3),
            format!("{x:.3}").replace("-0.000", "0.000"),
            "{x}"
        );
    }
}
