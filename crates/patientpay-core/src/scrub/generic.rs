//! The generic patterns that apply whatever is registered: e-mail-like words and runs of
//! 7 or more digits.

/// E-mail-like words: `local@domain` with a dot inside the domain.
pub(super) fn find_emails(b: &[u8], push: &mut dyn FnMut(usize, usize)) {
    let local = |c: u8| c.is_ascii_alphanumeric() || b"._%+-".contains(&c);
    let domain = |c: u8| c.is_ascii_alphanumeric() || c == b'.' || c == b'-';
    for (at, _) in b.iter().enumerate().filter(|(_, c)| **c == b'@') {
        let mut start = at;
        while start > 0 && local(b[start - 1]) {
            start -= 1;
        }
        let mut end = at + 1;
        while end < b.len() && domain(b[end]) {
            end += 1;
        }
        let mut host = &b[at + 1..end];
        while let Some((b'.' | b'-', rest)) = host.split_last() {
            host = rest;
        }
        let end = at + 1 + host.len();
        let ok = start < at && host.contains(&b'.') && !matches!(host.first(), Some(b'.' | b'-'));
        if ok {
            push(start, end);
        }
    }
}

/// Runs that hold 7 or more digits, with phone punctuation (`+ - . ( )` and spaces) inside,
/// starting at a digit, or at `+` or `(` followed by a digit or `(`.
pub(super) fn find_digit_runs(b: &[u8], push: &mut dyn FnMut(usize, usize)) {
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let starts = c.is_ascii_digit()
            || (c == b'+' || c == b'(')
                && b.get(i + 1)
                    .is_some_and(|n| n.is_ascii_digit() || *n == b'(');
        if !starts {
            i += 1;
            continue;
        }
        let mut j = i;
        let mut digits = 0;
        let mut last_digit_end = i;
        while j < b.len() {
            let d = b[j];
            if d.is_ascii_digit() {
                digits += 1;
                last_digit_end = j + 1;
            } else if !matches!(d, b'+' | b'-' | b'.' | b'(' | b')' | b' ') {
                break;
            }
            j += 1;
        }
        if digits >= 7 {
            push(i, last_digit_end);
        }
        // A later start inside this run sees fewer digits: skip the whole run (which holds
        // at least `b[i]`, so `j > i`).
        i = j;
    }
}
