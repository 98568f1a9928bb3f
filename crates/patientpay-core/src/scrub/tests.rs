use super::generic::*;
use super::matcher::*;
use super::needles::*;
use super::views::*;
use super::*;

fn view(raw: &str, decoder: Decoder) -> Option<String> {
    decode(raw.as_bytes(), decoder).map(|(b, _)| String::from_utf8_lossy(&b).into_owned())
}

#[test]
fn json_view() {
    let j = |s| view(s, Decoder::Json);
    assert_eq!(j(r#"a\"b\\c\/d"#).as_deref(), Some(r#"a"b\c/d"#));
    assert_eq!(j(r"\b\f\n\r\t").as_deref(), Some("\u{8}\u{c}\n\r\t"));
    assert_eq!(j(r"\u0041\u00e9\u00C9").as_deref(), Some("AéÉ"));
    assert_eq!(j(r"\ud83d\ude00!").as_deref(), Some("😀!"));
    // A lone or badly paired surrogate, a short or bad \u, an unknown escape: literal.
    assert_eq!(j(r"\ud83d!"), None);
    assert_eq!(j(r"\ud83d\u0041"), Some(r"\ud83dA".to_owned()));
    assert_eq!(j(r"\ud83d\ud83d"), None);
    assert_eq!(j(r"\ude00"), None);
    assert_eq!(j(r"\u004"), None);
    assert_eq!(j(r"\u004g"), None);
    assert_eq!(j(r"\x \"), None);
    assert_eq!(j("plain"), None);
    // Surrogate pair bounds: 0xdbff is high, 0xdc00 is low, 0xe000 is not low.
    assert_eq!(j(r"\udbff\udfff").as_deref(), Some("\u{10ffff}"));
    assert_eq!(j(r"\ud800\udc00").as_deref(), Some("\u{10000}"));
    assert_eq!(j(r"\ud800\ue000"), Some(r"\ud800".to_owned() + "\u{e000}"));
    assert_eq!(j(r"\ud7ff").as_deref(), Some("\u{d7ff}"));
    assert_eq!(j(r"\udbff\udbff"), None);
}

#[test]
fn json_spans() {
    let (b, s) = decode(br#"x\u0041\ud83d\ude00\n"#, Decoder::Json).unwrap();
    assert_eq!(b, "xA😀\n".as_bytes());
    assert_eq!(
        s,
        vec![(0, 1), (1, 7), (7, 19), (7, 19), (7, 19), (7, 19), (19, 21)]
    );
}

#[test]
fn percent_and_form_views() {
    assert_eq!(
        view("a%40b%2Bc%2bd+e", Decoder::Percent).as_deref(),
        Some("a@b+c+d+e")
    );
    assert_eq!(
        view("a%40b%2Bc+e", Decoder::Form).as_deref(),
        Some("a@b+c e")
    );
    assert_eq!(view("a+b", Decoder::Form).as_deref(), Some("a b"));
    assert_eq!(view("a+b", Decoder::Percent), None);
    assert_eq!(view("%4", Decoder::Percent), None);
    assert_eq!(view("%g1", Decoder::Percent), None);
    assert_eq!(view("%1g", Decoder::Percent), None);
    assert_eq!(
        view("%ff", Decoder::Percent).map(|s| s.into_bytes()),
        Some("\u{fffd}".into())
    );
    assert_eq!(view("%FF%00", Decoder::Percent).map(|s| s.len()), Some(4));
    let (_, spans) = decode(b"a%40+", Decoder::Form).unwrap();
    assert_eq!(spans, vec![(0, 1), (1, 4), (4, 5)]);
}

#[test]
fn html_view() {
    let h = |s| view(s, Decoder::Html);
    assert_eq!(
        h("&amp;&LT;&gt;&quot;&apos;&nbsp;").as_deref(),
        Some("&<>\"' ")
    );
    assert_eq!(h("&#64;&#x40;&#X40;").as_deref(), Some("@@@"));
    assert_eq!(h("&#128512;").as_deref(), Some("😀"));
    assert_eq!(h("&#x1F600;").as_deref(), Some("😀"));
    assert_eq!(h("&#;"), None);
    assert_eq!(h("&#x;"), None);
    assert_eq!(h("&#12a;"), None);
    assert_eq!(h("&#xD800;"), None);
    assert_eq!(h("&bogus;"), None);
    assert_eq!(h("&amp"), None);
    // The reference must end within 10 bytes of its '&'.
    assert_eq!(h("&#0000064;").as_deref(), Some("@"));
    assert_eq!(h("&#00000064;"), None);
    assert_eq!(h("&#x00040;").as_deref(), Some("@"));
    let (_, spans) = decode(b"x&#64;", Decoder::Html).unwrap();
    assert_eq!(spans, vec![(0, 1), (1, 6)]);
}

#[test]
fn views_nest_two_deep_and_map_back() {
    let mut seen = Vec::new();
    for_each_view(b"a%2540\\u0025", &mut |v, map| {
        seen.push((String::from_utf8_lossy(v).into_owned(), map(0, v.len())));
    });
    assert!(seen.contains(&("a%2540\\u0025".to_owned(), (0, 12))));
    assert!(seen.contains(&("a%40\\u0025".to_owned(), (0, 12))));
    assert!(seen.contains(&("a@\\u0025".to_owned(), (0, 12))));
    assert!(seen.contains(&("a%2540%".to_owned(), (0, 12))));
    // Three deep is not decoded.
    assert!(!seen.iter().any(|(v, _)| v == "a@%"));
    let mut spans = Vec::new();
    for_each_view(b"xx%2540", &mut |v, map| {
        if v == b"xx@" {
            spans.push(map(2, 3));
        }
    });
    // Percent, then percent or form.
    assert_eq!(spans, vec![(2, 7); 2]);
}

#[test]
fn the_nested_views_are_exactly_the_listed_ones() {
    let mut seen = Vec::new();
    for_each_view(br"\\n %2541 + &amp;", &mut |v, _| {
        seen.push(String::from_utf8_lossy(v).into_owned());
    });
    // Raw; JSON and its percent, form and JSON; HTML and its percent and form; percent
    // and its JSON, percent and form; form alone.
    assert_eq!(
        seen,
        [
            r"\\n %2541 + &amp;",
            r"\n %2541 + &amp;",
            r"\n %41 + &amp;",
            r"\n %41   &amp;",
            "\n %2541 + &amp;",
            r"\\n %2541 + &",
            r"\\n %41 + &",
            r"\\n %41   &",
            r"\\n %41 + &amp;",
            r"\n %41 + &amp;",
            r"\\n A + &amp;",
            r"\\n A   &amp;",
            r"\\n %41   &amp;",
        ]
    );
    assert_eq!(max_expansion(), 36);
}

proptest::proptest! {
    #[test]
    fn a_decoded_byte_never_stands_for_more_than_its_expansion(
        input in "[\\\\%&#;+uxU0-9a-fA-FdD&amp;quot]{0,60}",
    ) {
        for d in [Decoder::Json, Decoder::Html, Decoder::Percent, Decoder::Form] {
            if let Some((bytes, spans)) = decode(input.as_bytes(), d) {
                proptest::prop_assert_eq!(bytes.len(), spans.len());
                let mut i = 0;
                let mut covered = 0;
                while i < spans.len() {
                    let span = spans[i];
                    let produced = spans[i..].iter().take_while(|s| **s == span).count();
                    proptest::prop_assert_eq!(span.0, covered);
                    proptest::prop_assert!(span.1 - span.0 <= expansion(d) * produced);
                    covered = span.1;
                    i += produced;
                }
                proptest::prop_assert_eq!(covered, input.len());
            }
        }
    }
}

#[test]
fn digit_runs() {
    let runs = |s: &str| {
        let mut v = Vec::new();
        find_digit_runs(s.as_bytes(), &mut |a, b| v.push((a, b)));
        v
    };
    assert_eq!(runs("123456"), vec![]);
    assert_eq!(runs("1234567"), vec![(0, 7)]);
    assert_eq!(runs("x 123-45.67 "), vec![(2, 11)]);
    assert_eq!(runs("+1 (415) 555"), vec![(0, 12)]);
    assert_eq!(runs("((1234567"), vec![(0, 9)]);
    assert_eq!(runs("(x1234567"), vec![(2, 9)]);
    assert_eq!(runs("+x1234567"), vec![(2, 9)]);
    assert_eq!(runs("12345678a"), vec![(0, 8)]);
    assert_eq!(runs("123 4567 -"), vec![(0, 8)]);
    assert_eq!(runs("12/34567"), vec![]);
    assert_eq!(runs("1234:5678"), vec![]);
    assert_eq!(runs(&"(".repeat(5000)), vec![]);
}

#[test]
fn emails() {
    let found = |s: &str| {
        let mut v = Vec::new();
        find_emails(s.as_bytes(), &mut |a, b| v.push(s[a..b].to_owned()));
        v
    };
    assert_eq!(found("to 'jane.d+x@ex.co.uk'."), vec!["jane.d+x@ex.co.uk"]);
    assert_eq!(found("a@b.c."), vec!["a@b.c"]);
    assert_eq!(found("a@b.c-"), vec!["a@b.c"]);
    assert_eq!(found("a@b"), Vec::<String>::new());
    assert_eq!(found("@b.c"), Vec::<String>::new());
    assert_eq!(found("a@.b.c"), Vec::<String>::new());
    assert_eq!(found("a@-b.c"), Vec::<String>::new());
    assert_eq!(found("a@b."), Vec::<String>::new());
    assert_eq!(found("x a@b.c@d.e"), vec!["a@b.c", "b.c@d.e"]);
    assert_eq!(found("u:j_%-@x.y"), vec!["j_%-@x.y"]);
}

#[test]
fn char_boundaries() {
    let s = "aé€";
    assert_eq!(floor_char_boundary(s, 2), 1);
    assert_eq!(ceil_char_boundary(s, 2), 3);
    assert_eq!(floor_char_boundary(s, 4), 3);
    assert_eq!(ceil_char_boundary(s, 4), 6);
    assert_eq!(floor_char_boundary(s, 3), 3);
    assert_eq!(ceil_char_boundary(s, 3), 3);
    assert_eq!(floor_char_boundary(s, 99), 6);
    assert_eq!(ceil_char_boundary(s, 99), 6);
    assert_eq!(floor_char_boundary(s, 6), 6);
    assert_eq!(tail_start("", 3), None);
    assert_eq!(tail_start("abé", 1), Some(2));
    assert_eq!(tail_start("abé", 2), Some(1));
    assert_eq!(tail_start("abé", 9), Some(0));
    assert_eq!(tail_start("abé", 0), Some(2));
}

fn n(text: &str, bounded: bool) -> Needle {
    Needle {
        text: text.to_owned(),
        bounded,
    }
}

fn find_all(m: &Matcher, text: &str) -> Vec<(usize, usize)> {
    let mut v = Vec::new();
    m.find(text.as_bytes(), &mut |a, b| v.push((a, b)));
    v.sort_unstable();
    v
}

#[test]
fn matcher_finds_every_occurrence_and_checks_candidates() {
    assert!(matches!(Matcher::build(&[]), Matcher::Empty));
    assert_eq!(Matcher::Empty.max_len(), 0);
    assert_eq!(find_all(&Matcher::Empty, "abcd"), vec![]);
    // Base 1: the hash is the byte sum, so anagrams collide and must be told apart.
    for m in [
        Matcher::build(&[n("abcd", false), n("cdefg", false), n("wxyz", true)]),
        Matcher::build_with_base(&[n("abcd", false), n("cdefg", false), n("wxyz", true)], 1),
    ] {
        assert_eq!(m.max_len(), 5);
        assert_eq!(find_all(&m, "dcba ABCDEFG"), vec![(5, 9), (7, 12)]);
        assert_eq!(find_all(&m, "abcdabcd"), vec![(0, 4), (4, 8)]);
        assert_eq!(find_all(&m, "abc"), vec![]);
        assert_eq!(find_all(&m, "abcd"), vec![(0, 4)]);
        assert_eq!(find_all(&m, "xabcd"), vec![(1, 5)]);
        // Whole word only: not next to an ASCII letter or digit, at either end.
        assert_eq!(find_all(&m, "wxyz"), vec![(0, 4)]);
        assert_eq!(find_all(&m, "(wxyz)"), vec![(1, 5)]);
        assert_eq!(find_all(&m, "awxyz"), vec![]);
        assert_eq!(find_all(&m, "wxyz1"), vec![]);
        assert_eq!(find_all(&m, "éwxyzé"), vec![(2, 6)]);
        assert_eq!(find_all(&m, "zyxw"), vec![]);
    }
    // Two needles with the same hash share a filter bit and a table entry.
    let m = Matcher::build_with_base(&[n("abcd", false), n("dcba", false)], 1);
    assert_eq!(find_all(&m, "dcba abcd"), vec![(0, 4), (5, 9)]);
}

#[test]
fn each_decoder_s_worst_unit_is_its_expansion() {
    for (input, d) in [
        ("\\u0041", Decoder::Json),
        ("&#0000065;", Decoder::Html),
        ("%41", Decoder::Percent),
        ("%41", Decoder::Form),
    ] {
        let (bytes, spans) = decode(input.as_bytes(), d).unwrap();
        assert_eq!(bytes, b"A");
        assert_eq!(spans, vec![(0, expansion(d))], "{input}");
    }
}

#[test]
fn rolling_hash_matches_a_fresh_hash() {
    let base = 0x9e37_79b9_7f4a_7c15;
    let m = Matcher::build_with_base(&[n("needle", false)], base);
    let Matcher::Ready { groups, .. } = &m else {
        panic!("built")
    };
    assert_eq!(
        groups[0].pow,
        base.wrapping_mul(base)
            .wrapping_mul(base)
            .wrapping_mul(base)
            .wrapping_mul(base)
    );
    assert_eq!(hash(b"AbC", base), hash(b"abc", base));
    assert_ne!(hash(b"abc", base), hash(b"acb", base));
    assert_eq!(hash(b"ab", 10), 97 * 10 + 98);
    assert_eq!(filter_bit(0), (0, 1));
    assert_eq!(filter_bit(u64::MAX), (63, 1 << 63));
    assert_eq!(filter_bit(65 << 52), (1, 2));
    assert_eq!(filter_bit((1 << 52) - 1), (0, 1));
    assert_eq!(filter_bit(200 << 52), (3, 1 << 8));
    let g = &groups[0];
    let h = hash(b"needle", base);
    assert!(g.may_hold(h));
    assert!(!g.may_hold(h ^ (1 << 63)));
    assert!(!g.may_hold(h ^ (1 << 52)));
    // The random base is odd (invertible modulo 2^64) and not 1 (anagrams would collide).
    for _ in 0..8 {
        let Matcher::Ready { base, .. } = Matcher::build(&[n("needle", false)]) else {
            panic!("built")
        };
        assert!(base % 2 == 1 && base != 1, "{base}");
    }
    let text = "x".repeat(300) + "NEEDLE" + &"y".repeat(300);
    assert_eq!(find_all(&m, &text), vec![(300, 306)]);
}

fn texts(entries: Vec<Entry>) -> Vec<(String, bool)> {
    let entries: Vec<Arc<Entry>> = entries.into_iter().map(Arc::new).collect();
    needles(&entries)
        .into_iter()
        .map(|n| (n.text, n.bounded))
        .collect()
}

fn forms(entry: Entry) -> Vec<(String, bool)> {
    let mut v = Vec::new();
    entry_forms(&entry, &mut v);
    v.into_iter().map(|n| (n.text, n.bounded)).collect()
}

fn owned(v: &[(&str, bool)]) -> Vec<(String, bool)> {
    v.iter().map(|(t, b)| ((*t).to_owned(), *b)).collect()
}

#[test]
fn needle_set() {
    let got = texts(vec![
        Entry::Phi(Phi::Name, "  José  Li ".into()),
        Entry::Phi(Phi::Text, "jose li".into()),
        Entry::Secret("abc".into()),
        Entry::Phi(Phi::Text, "ñañ".into()),
        Entry::Phi(Phi::Text, "ñaña".into()),
    ]);
    // Longest (in bytes) first; one per ASCII-case-insensitive text (the unbounded one wins);
    // Unicode upper and lower case and collapsed spaces added; "Li", "abc" and "ñañ"
    // (3 characters, 6 bytes) too short.
    assert_eq!(
        got,
        owned(&[
            ("JOSÉ  LI", false),
            ("josé  li", false),
            ("JOSÉ LI", false),
            ("josé li", false),
            ("jose li", false),
            ("ÑAÑA", false),
            ("ñaña", false),
            ("JOSÉ", true),
            ("josé", true),
        ])
    );
    assert_eq!(
        texts(vec![
            Entry::Phi(Phi::PostalCode, "abcd".into()),
            Entry::Phi(Phi::Text, "ABCD".into()),
        ]),
        owned(&[("ABCD", false)])
    );
    assert_eq!(
        texts(vec![Entry::Phi(Phi::Text, "a\tb  c".into())]).len(),
        2
    );
}

#[test]
fn secret_forms() {
    assert_eq!(
        forms(Entry::Secret(" k.e.y ".into())),
        owned(&[("k.e.y", false), ("k", false), ("e", false), ("y", false)])
    );
    assert_eq!(forms(Entry::Secret("a.b".into())), owned(&[("a.b", false)]));
    assert_eq!(
        forms(Entry::Secret("a.b.c.d".into())),
        owned(&[("a.b.c.d", false)])
    );
}

#[test]
fn personal_value_forms() {
    assert_eq!(
        forms(Entry::Phi(Phi::Name, "Rivera, Jane Q".into())),
        owned(&[
            ("Rivera, Jane Q", false),
            ("Rivera", true),
            ("Jane", true),
            ("Q", true)
        ])
    );
    assert_eq!(
        forms(Entry::Phi(Phi::Name, "Rivera".into())),
        owned(&[("Rivera", false)])
    );
    assert_eq!(
        forms(Entry::Phi(Phi::Email, "a@b@ex.com".into())),
        owned(&[("a@b@ex.com", false), ("a@b", true)])
    );
    assert_eq!(
        forms(Entry::Phi(Phi::Email, "nobody".into())),
        owned(&[("nobody", false)])
    );
    assert_eq!(
        forms(Entry::Phi(Phi::Address, "1 Main St".into())),
        owned(&[("1 Main St", false)])
    );
    assert_eq!(
        forms(Entry::Phi(Phi::Text, "x".into())),
        owned(&[("x", false)])
    );
    assert_eq!(
        forms(Entry::Phi(Phi::PostalCode, "SW1A 1AA".into())),
        owned(&[("SW1A 1AA", true), ("SW1A1AA", true)])
    );
    assert_eq!(
        forms(Entry::Phi(Phi::PostalCode, "20500-0003".into())),
        owned(&[
            ("20500-0003", true),
            ("20500-0003", true),
            ("20500", true),
            ("205000003", true)
        ])
    );
    for not_zip4 in [
        "20500-000x",
        "2050-00003",
        "20500-00030",
        "20500_0003",
        "x0500-0003",
    ] {
        assert_eq!(
            forms(Entry::Phi(Phi::PostalCode, not_zip4.into())).len(),
            2,
            "{not_zip4}"
        );
    }
}

#[test]
fn phone_forms_per_kind() {
    let nanp = [
        "+14155550123",
        "14155550123",
        "4155550123",
        "(415) 555-0123",
        "(415)555-0123",
        "415-555-0123",
        "415.555.0123",
        "415 555 0123",
        "+1 415 555 0123",
        "+1 (415) 555-0123",
        "+1-415-555-0123",
        "1-415-555-0123",
        "+1.415.555.0123",
    ];
    let mut expected: Vec<(String, bool)> = vec![("+1 (415) 555-0123".to_owned(), false)];
    expected.extend(nanp.iter().map(|f| ((*f).to_owned(), false)));
    expected.push(("555-0123".to_owned(), true));
    assert_eq!(
        forms(Entry::Phi(Phi::Phone, "+1 (415) 555-0123".into())),
        expected
    );
    expected[0].0 = "4155550123".to_owned();
    assert_eq!(forms(Entry::Phi(Phi::Phone, "4155550123".into())), expected);
    assert_eq!(
        forms(Entry::Phi(Phi::Phone, "+44 20 7946 0958".into())),
        owned(&[
            ("+44 20 7946 0958", false),
            ("+442079460958", false),
            ("442079460958", false)
        ])
    );
    assert_eq!(
        forms(Entry::Phi(Phi::Phone, "24155550123".into())),
        owned(&[
            ("24155550123", false),
            ("+24155550123", false),
            ("24155550123", false)
        ])
    );
    assert_eq!(
        forms(Entry::Phi(Phi::Phone, "555-0123".into())),
        owned(&[("555-0123", false), ("+5550123", false), ("5550123", false)])
    );
    assert_eq!(
        forms(Entry::Phi(Phi::Phone, "555-012".into())),
        owned(&[("555-012", false)])
    );
}

#[test]
fn date_forms_per_kind() {
    let got: Vec<String> = forms(Entry::DateOfBirth(time::macros::date!(1984 - 02 - 09)))
        .into_iter()
        .map(|(t, bounded)| {
            assert!(!bounded);
            t
        })
        .collect();
    assert_eq!(
        got,
        [
            "1984-02-09",
            "19840209",
            "1984/02/09",
            "1984.02.09",
            "1984-2-9",
            "02/09/1984",
            "2/9/1984",
            "02-09-1984",
            "2-9-1984",
            "02.09.1984",
            "02091984",
            "02/09/84",
            "2/9/84",
            "09/02/1984",
            "9/2/1984",
            "09.02.1984",
            "09-02-1984",
            "February 9, 1984",
            "Feb 9, 1984",
            "February 09, 1984",
            "Feb 09, 1984",
            "9 February 1984",
            "9 Feb 1984",
            "09 Feb 1984",
            "Feb 9 1984",
        ]
    );
    let old = forms(Entry::DateOfBirth(time::macros::date!(0905 - 11 - 30)));
    assert_eq!(old[0].0, "0905-11-30");
    assert_eq!(old[11].0, "11/30/05");
    assert_eq!(old[21].0, "30 November 0905");
}

#[test]
fn passes_stop_at_the_bound_and_hide_everything() {
    let m = Matcher::build(&[n("abcd", false), n("ted]a", false)]);
    // Each round hides one more 'a' after the marker.
    let few = format!("abcd{} tail", "a".repeat(5));
    assert_eq!(scrub_with(&m, &few, false, None), "[redacted] tail");
    let many = format!("abcd{} tail", "a".repeat(MAX_PASSES));
    assert_eq!(scrub_with(&m, &many, false, None), MARKER);
    let just = format!("abcd{} tail", "a".repeat(MAX_PASSES - 2));
    assert_eq!(scrub_with(&m, &just, false, None), "[redacted] tail");
}

#[test]
fn the_tail_is_hidden_only_when_asked() {
    let m = Matcher::Empty;
    assert_eq!(scrub_with(&m, "abcdef", true, Some(2)), "abcd[redacted]");
    assert_eq!(scrub_with(&m, "abcdef", true, None), "abcdef");
    assert_eq!(scrub_with(&m, "", true, Some(2)), "");
    // Generic patterns only when asked.
    assert_eq!(
        scrub_with(&m, "a@b.co 1234567", false, None),
        "a@b.co 1234567"
    );
    assert_eq!(
        scrub_with(&m, "a@b.co 1234567", true, None),
        "[redacted] [redacted]"
    );
}
