//! Lists whose members are one variant of a tagged union, e.g. `ListView.children` (only
//! `ListViewItem`s) or a web search task's `sources` (only `url` sources).
//!
//! Each member must still carry its `type` on the wire, but its Rust type is the bare variant
//! struct. Writing goes through a borrowed, tagged view of the union (no copy); reading parses the
//! whole union and rejects other variants, so the error names what was found instead of a
//! confusing missing field.

use serde::{de::Error as _, Deserialize, Deserializer, Serialize, Serializer};

/// A struct that is one variant of the tagged union `Union`.
pub(crate) trait UnionMember: Sized {
    type Union: for<'de> Deserialize<'de>;
    type Tagged<'a>: Serialize
    where
        Self: 'a;

    fn tagged(&self) -> Self::Tagged<'_>;

    /// The member, or the wire tag of the variant found instead.
    fn from_union(union: Self::Union) -> Result<Self, &'static str>;

    /// The wire tag of this member, for error messages.
    const TAG: &'static str;
}

/// `#[serde(with = "tagged::list")]` on a `Vec<T: UnionMember>` field.
pub(crate) mod list {
    use super::*;

    pub(crate) fn serialize<T: UnionMember, S: Serializer>(
        members: &[T],
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(members.iter().map(T::tagged))
    }

    pub(crate) fn deserialize<'de, T: UnionMember, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<T>, D::Error> {
        Vec::<T::Union>::deserialize(deserializer)?
            .into_iter()
            .map(|union| {
                T::from_union(union).map_err(|found| {
                    D::Error::custom(format_args!("expected `{}`, found `{found}`", T::TAG))
                })
            })
            .collect()
    }
}
