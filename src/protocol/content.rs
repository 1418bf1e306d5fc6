//! Message content: user input segments, assistant output parts, annotations and their sources
//! (spec §4.1, §4.2).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::icons::IconName;

/// One segment of a user message, in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum UserMessageContent {
    #[serde(rename = "input_text")]
    Text { text: String },
    /// An entity the user tagged in the composer (`entities.onTagSearch`).
    #[serde(rename = "input_tag")]
    Tag(UserMessageTag),
}

impl UserMessageContent {
    pub fn text(text: impl Into<String>) -> Self {
        Self::Text { text: text.into() }
    }

    /// The text the model should see for this segment (a tag reads as its label).
    pub fn plain_text(&self) -> &str {
        match self {
            Self::Text { text } => text,
            Self::Tag(tag) => &tag.text,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UserMessageTag {
    pub id: String,
    /// The display label.
    pub text: String,
    /// Required by the SDK model but optional in the web component's type, so a page-built message
    /// may leave it out: read as `{}`, always written.
    #[serde(default)]
    pub data: Map<String, Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    #[serde(default)]
    pub interactive: bool,
}

/// What the user picked in the composer; `{}` when nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InferenceOptions {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_choice: Option<ToolChoice>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
}

/// A composer tool (`composer.tools[].id`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToolChoice {
    pub id: String,
}

/// One part of an assistant message: `{"type": "output_text", "text", "annotations"}`.
///
/// The constant tag is written by a struct-level `tag` (reading ignores it; the part has no other
/// form), which keeps construction a plain struct literal.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename = "output_text")]
pub struct AssistantMessageContent {
    /// Markdown.
    pub text: String,
    #[serde(default)]
    pub annotations: Vec<Annotation>,
}

impl AssistantMessageContent {
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            annotations: Vec::new(),
        }
    }
}

/// A citation: `{"type": "annotation", "source", "index"?}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename = "annotation")]
pub struct Annotation {
    pub source: Source,
    /// Character offset in the part's text where the marker goes; omitted lets the client decide.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<usize>,
}

/// Where a citation or search result points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum Source {
    #[serde(rename = "url")]
    Url(UrlSource),
    #[serde(rename = "file")]
    File(FileSource),
    #[serde(rename = "entity")]
    Entity(EntitySource),
}

impl Source {
    pub fn title(&self) -> &str {
        match self {
            Self::Url(source) => &source.title,
            Self::File(source) => &source.title,
            Self::Entity(source) => &source.title,
        }
    }
}

// The shared source fields (title, description, timestamp, group) are repeated in each variant
// rather than flattened: flattening would make every annotation read buffer twice.

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UrlSource {
    pub title: String,
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribution: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Free-form text as shown to the user (the SDK types it as a string, not a date).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FileSource {
    pub title: String,
    pub filename: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
}

/// An entity of the integration (a document, a bet slip...). The SDK's deprecated `preview` key
/// is ignored when read and never written.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EntitySource {
    pub title: String,
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<IconName>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inline_label: Option<String>,
    #[serde(default)]
    pub interactive: bool,
    #[serde(default)]
    pub data: Map<String, Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn defaults_are_always_written() {
        let part = AssistantMessageContent::new("Hi");
        assert_eq!(
            serde_json::to_value(&part).unwrap(),
            json!({"type": "output_text", "text": "Hi", "annotations": []})
        );
        let entity = Source::Entity(EntitySource {
            title: "Q2 plan".into(),
            id: "doc_17".into(),
            ..Default::default()
        });
        assert_eq!(
            serde_json::to_value(&entity).unwrap(),
            json!({"type": "entity", "title": "Q2 plan", "id": "doc_17", "interactive": false, "data": {}})
        );
        assert_eq!(
            serde_json::to_value(InferenceOptions::default()).unwrap(),
            json!({})
        );
    }

    #[test]
    fn input_tag_without_data_reads_as_empty_object() {
        let tag: UserMessageContent =
            serde_json::from_value(json!({"type": "input_tag", "id": "t1", "text": "Lakers"}))
                .unwrap();
        assert_eq!(
            serde_json::to_value(&tag).unwrap(),
            json!({"type": "input_tag", "id": "t1", "text": "Lakers", "data": {}, "interactive": false})
        );
        assert_eq!(tag.plain_text(), "Lakers");
    }

    #[test]
    fn annotation_without_index_omits_it() {
        let annotation = Annotation {
            source: Source::File(FileSource {
                title: "Notes".into(),
                filename: "notes.md".into(),
                ..Default::default()
            }),
            index: None,
        };
        assert_eq!(
            serde_json::to_value(&annotation).unwrap(),
            json!({"type": "annotation", "source": {"type": "file", "title": "Notes", "filename": "notes.md"}})
        );
    }
}
