//! Base URLs (the https-only policy) and the URL of one endpoint call, with every path
//! parameter checked and encoded as one segment.

use std::fmt;
use std::net::IpAddr;

use http::HeaderValue;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use secrecy::{ExposeSecret, SecretString};
use url::Url;

use crate::error::{Error, Result};

/// A vendor base URL that passed the policy: `https://`, or `http://` only to a loopback
/// host (127.0.0.0/8, ::1, `localhost`); no credentials, query or fragment.
#[derive(Clone, PartialEq, Eq)]
pub struct BaseUrl(Url);

impl BaseUrl {
    /// Parses and checks a base URL.
    ///
    /// # Errors
    /// [`Error::Config`] for `base_url` when it is not a URL, is plain http to a non-loopback
    /// host, or carries credentials, a query or a fragment.
    pub fn parse(text: &str) -> Result<BaseUrl> {
        let url = Url::parse(text.trim())
            .map_err(|e| Error::config("base_url", format!("not a valid URL: {e}")))?;
        match url.scheme() {
            "https" => {}
            "http" if is_loopback(&url) => {}
            "http" => {
                return Err(Error::config(
                    "base_url",
                    "plain http is only allowed for loopback hosts (127.0.0.1, ::1, localhost); use https",
                ));
            }
            other => {
                return Err(Error::config(
                    "base_url",
                    format!("scheme {other:?} is not supported; use https"),
                ));
            }
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(Error::config("base_url", "must not contain credentials"));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(Error::config(
                "base_url",
                "must not contain a query or fragment",
            ));
        }
        if url.host().is_none() {
            return Err(Error::config("base_url", "must have a host"));
        }
        Ok(BaseUrl(url))
    }

    /// The URL of `segments` under the base path, each segment percent-encoded as one
    /// path segment (`/`, `?`, `#`, spaces and non-ASCII are escaped).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for `id` when a segment is empty, `.` or `..`, which cannot be
    /// one literal path segment.
    pub fn endpoint(&self, segments: &[&str]) -> Result<Url> {
        let mut path = self.0.path().trim_end_matches('/').to_owned();
        for seg in segments {
            if seg.is_empty() || *seg == "." || *seg == ".." {
                return Err(Error::invalid_input(
                    "id",
                    "an empty, `.` or `..` value cannot be used as a path segment",
                ));
            }
            path.push('/');
            path.extend(utf8_percent_encode(seg, PATH_SEGMENT));
        }
        // Only the path changes: the checked base is cloned rather than the whole URL
        // re-parsed (host parsing and IDNA were a tenth of building a request). The path is
        // already escaped (unreserved characters and `%XX` only), so `set_path` keeps it.
        let mut url = self.0.clone();
        url.set_path(&path);
        Ok(url)
    }

    /// The URL as text.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The parsed URL.
    pub fn as_url(&self) -> &Url {
        &self.0
    }
}

impl fmt::Debug for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BaseUrl({})", self.0)
    }
}

impl fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.as_str())
    }
}

/// Everything but RFC 3986 unreserved characters is escaped in a path segment.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

/// A header value built from a secret, marked sensitive so that it is never printed by
/// `Debug` of the header map nor logged by the HTTP stack.
///
/// # Errors
/// [`Error::Config`] for `setting` when the secret holds characters a header cannot carry;
/// the message never repeats the secret.
pub fn sensitive_header(
    setting: &'static str,
    prefix: &str,
    secret: &SecretString,
) -> Result<HeaderValue> {
    let mut value = HeaderValue::from_str(&format!("{prefix}{}", secret.expose_secret()))
        .map_err(|_| Error::config(setting, "contains characters not allowed in an HTTP header"))?;
    value.set_sensitive(true);
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderMap;

    #[test]
    fn base_url_policy() {
        assert!(BaseUrl::parse("https://api.decodahealth.com").is_ok());
        for ok in [
            "http://127.0.0.1:1",
            "http://127.5.6.7",
            "http://[::1]:80",
            "http://localhost:9/x",
            "http://LOCALHOST",
        ] {
            assert!(BaseUrl::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://api.decodahealth.com",
            "http://10.0.0.1",
            "http://localhost.evil.com",
            "ftp://x",
            "https://user:pw@x.com",
            "https://x.com/?q=1",
            "not a url",
        ] {
            let e = BaseUrl::parse(bad).unwrap_err();
            assert!(matches!(e, Error::Config { .. }), "{bad}");
        }
        let e = BaseUrl::parse("http://api.example.com").unwrap_err();
        assert!(e.to_string().contains("https"), "{e}");
    }

    #[test]
    fn segments_cannot_escape() {
        let base = BaseUrl::parse("https://h.example/base/").unwrap();
        for (id, want) in [
            ("a/b", "https://h.example/base/a%2Fb"),
            ("a?b#c", "https://h.example/base/a%3Fb%23c"),
            ("../../x", "https://h.example/base/..%2F..%2Fx"),
            ("a b", "https://h.example/base/a%20b"),
            ("é", "https://h.example/base/%C3%A9"),
            ("@evil.com", "https://h.example/base/%40evil.com"),
            ("a..b", "https://h.example/base/a..b"),
        ] {
            let url = base.endpoint(&[id]).unwrap();
            assert_eq!(url.as_str(), want);
            assert_eq!(url.host_str(), Some("h.example"));
            assert_eq!(url.path_segments().unwrap().count(), 2);
        }
        for bad in ["", ".", ".."] {
            assert!(base.endpoint(&[bad]).is_err());
        }
    }

    #[test]
    fn sensitive_headers_hide_in_debug() {
        let v =
            sensitive_header("X", "Bearer ", &SecretString::from("jwt-SECRET".to_owned())).unwrap();
        assert!(v.is_sensitive());
        let mut map = HeaderMap::new();
        map.insert("authorization", v);
        assert!(!format!("{map:?}").contains("jwt-SECRET"));
        let bad = sensitive_header("X", "", &SecretString::from("a\nb".to_owned())).unwrap_err();
        assert!(!bad.to_string().contains("a\nb"));
    }
}
