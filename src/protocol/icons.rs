//! Icon names (spec §13.4): used by widgets, `progress_update`, tasks, entity sources and workflow
//! summaries.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The built-in icon names the web component ships.
pub const BUILTIN_ICONS: &[&str] = &[
    "agent",
    "analytics",
    "atom",
    "batch",
    "bolt",
    "book-open",
    "book-closed",
    "book-clock",
    "bug",
    "calendar",
    "chart",
    "check",
    "check-circle",
    "check-circle-filled",
    "chevron-left",
    "chevron-right",
    "circle-question",
    "clock",
    "compass",
    "confetti",
    "cube",
    "desktop",
    "document",
    "dot",
    "dots-horizontal",
    "dots-vertical",
    "empty-circle",
    "external-link",
    "globe",
    "keys",
    "lab",
    "images",
    "info",
    "lifesaver",
    "lightbulb",
    "mail",
    "map-pin",
    "maps",
    "mobile",
    "name",
    "notebook",
    "notebook-pencil",
    "page-blank",
    "phone",
    "play",
    "plus",
    "profile",
    "profile-card",
    "reload",
    "star",
    "star-filled",
    "search",
    "sparkle",
    "sparkle-double",
    "square-code",
    "square-image",
    "square-text",
    "suitcase",
    "settings-slider",
    "user",
    "wreath",
    "write",
    "write-alt",
    "write-alt2",
];

/// An icon name: a built-in name or `lucide:<name>` / `vendor:<name>`.
///
/// A plain string on the wire and not checked while parsing, because a newer web component may
/// know more icons than this list; [`IconName::is_known`] (and widget validation) checks what we
/// produce.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct IconName(String);

impl IconName {
    pub fn new(name: impl Into<String>) -> Self {
        Self(name.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A built-in name, or a non-empty `lucide:` / `vendor:` name.
    pub fn is_known(&self) -> bool {
        let prefixed = ["lucide:", "vendor:"].iter().any(|prefix| {
            self.0
                .strip_prefix(prefix)
                .is_some_and(|rest| !rest.is_empty())
        });
        prefixed || BUILTIN_ICONS.contains(&self.0.as_str())
    }
}

impl From<&str> for IconName {
    fn from(name: &str) -> Self {
        Self(name.to_owned())
    }
}

impl From<String> for IconName {
    fn from(name: String) -> Self {
        Self(name)
    }
}

impl fmt::Display for IconName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::IconName;

    #[test]
    fn knows_builtins_and_prefixed_names() {
        assert!(IconName::from("search").is_known());
        assert!(IconName::from("clock").is_known());
        assert!(IconName::from("lucide:trophy").is_known());
        assert!(!IconName::from("lucide:").is_known());
        assert!(!IconName::from("football").is_known());
        assert_eq!(
            serde_json::to_string(&IconName::from("bolt")).unwrap(),
            r#""bolt""#
        );
    }
}
