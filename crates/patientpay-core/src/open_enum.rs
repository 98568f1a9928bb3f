//! Open enums: vendor vocabularies that must survive a vendor adding a value.

/// Declares an open string enum: known values as variants plus `Unknown(String)`, which
/// keeps any other value verbatim and writes it back unchanged.
///
/// The generated type is `#[non_exhaustive]`, implements `Clone`, `PartialEq`, `Eq`,
/// `Hash`, `Debug`, `Display`, `FromStr` (infallible), `Serialize` and `Deserialize`
/// (known values parse without allocating), and has `as_str()`, `is_unknown()` and
/// `KNOWN` (the list of known wire strings).
///
/// ```
/// patientpay_core::open_enum! {
///     /// A charge's status.
///     pub enum Status {
///         /// Still owed.
///         Outstanding = "OUTSTANDING",
///         /// Paid in full.
///         Paid = "PAID",
///     }
/// }
/// let s: Status = serde_json::from_str("\"PAID\"").unwrap();
/// assert_eq!(s, Status::Paid);
/// let new: Status = serde_json::from_str("\"ON_HOLD\"").unwrap();
/// assert_eq!(new, Status::Unknown("ON_HOLD".into()));
/// assert_eq!(serde_json::to_string(&new).unwrap(), "\"ON_HOLD\"");
/// ```
#[macro_export]
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        $vis enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// A value this version does not know yet, kept verbatim and sent back unchanged.
            Unknown(::std::string::String),
        }

        impl $name {
            /// The wire strings of the known variants.
            pub const KNOWN: &'static [&'static str] = &[$($wire),*];

            /// The value as the vendor writes it.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )*
                    Self::Unknown(other) => other.as_str(),
                }
            }

            /// Parses a wire string; unknown strings become `Unknown`.
            pub fn from_wire(value: &str) -> Self {
                match value {
                    $( $wire => Self::$variant, )*
                    other => Self::Unknown(other.to_owned()),
                }
            }

            /// `true` for a value this version does not know.
            pub fn is_unknown(&self) -> bool {
                matches!(self, Self::Unknown(_))
            }
        }

        impl ::std::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                match self {
                    $( Self::$variant => f.write_str(stringify!($variant)), )*
                    Self::Unknown(other) => f.debug_tuple("Unknown").field(other).finish(),
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                // `pad` honours width and alignment (`{:<12}`).
                f.pad(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(s: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from_wire(s))
            }
        }

        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                struct V;
                impl<'de> $crate::__private::serde::de::Visitor<'de> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str("a string")
                    }
                    fn visit_str<E: $crate::__private::serde::de::Error>(self, v: &str) -> ::std::result::Result<$name, E> {
                        Ok($name::from_wire(v))
                    }
                    fn visit_string<E: $crate::__private::serde::de::Error>(self, v: ::std::string::String) -> ::std::result::Result<$name, E> {
                        match v.as_str() {
                            $( $wire => Ok($name::$variant), )*
                            _ => Ok($name::Unknown(v)),
                        }
                    }
                }
                d.deserialize_str(V)
            }
        }
    };
}
