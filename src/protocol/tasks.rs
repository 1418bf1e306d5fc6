//! Workflows and tasks: the collapsible "thinking / searching" rows (spec §4.7).

use serde::{Deserialize, Serialize};

use super::content::{FileSource, Source, UrlSource};
use super::icons::IconName;
use super::tagged::{self, UnionMember};

/// A group of task rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Workflow {
    #[serde(rename = "type")]
    pub kind: WorkflowKind,
    pub tasks: Vec<Task>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<WorkflowSummary>,
    #[serde(default)]
    pub expanded: bool,
}

impl Workflow {
    pub fn new(kind: WorkflowKind) -> Self {
        Self {
            kind,
            tasks: Vec::new(),
            summary: None,
            expanded: false,
        }
    }
}

wire_enum! {
    pub enum WorkflowKind {
        Custom = "custom",
        Reasoning = "reasoning",
    }
}

/// The collapsed workflow's header line. Untagged on the wire: told apart by its keys.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum WorkflowSummary {
    Custom(CustomSummary),
    Duration(DurationSummary),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomSummary {
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<IconName>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DurationSummary {
    /// Whole seconds.
    pub duration: u64,
}

wire_enum! {
    /// How a task shows its progress inside a workflow.
    #[derive(Default)]
    pub enum StatusIndicator {
        #[default]
        None = "none",
        Loading = "loading",
        Complete = "complete",
    }
}

/// One task row, inside a workflow or alone as a task item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum Task {
    #[serde(rename = "custom")]
    Custom(CustomTask),
    #[serde(rename = "web_search")]
    WebSearch(WebSearchTask),
    #[serde(rename = "thought")]
    Thought(ThoughtTask),
    #[serde(rename = "file")]
    File(FileTask),
    #[serde(rename = "image")]
    Image(ImageTask),
}

impl Task {
    pub fn status_indicator(&self) -> StatusIndicator {
        match self {
            Self::Custom(task) => task.status_indicator,
            Self::WebSearch(task) => task.status_indicator,
            Self::Thought(task) => task.status_indicator,
            Self::File(task) => task.status_indicator,
            Self::Image(task) => task.status_indicator,
        }
    }

    pub fn set_status_indicator(&mut self, indicator: StatusIndicator) {
        let slot = match self {
            Self::Custom(task) => &mut task.status_indicator,
            Self::WebSearch(task) => &mut task.status_indicator,
            Self::Thought(task) => &mut task.status_indicator,
            Self::File(task) => &mut task.status_indicator,
            Self::Image(task) => &mut task.status_indicator,
        };
        *slot = indicator;
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CustomTask {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<IconName>,
    /// Markdown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    #[serde(default)]
    pub status_indicator: StatusIndicator,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WebSearchTask {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_query: Option<String>,
    #[serde(default)]
    pub queries: Vec<String>,
    #[serde(default, with = "tagged::list")]
    pub sources: Vec<UrlSource>,
    #[serde(default)]
    pub status_indicator: StatusIndicator,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ThoughtTask {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    pub content: String,
    #[serde(default)]
    pub status_indicator: StatusIndicator,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FileTask {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, with = "tagged::list")]
    pub sources: Vec<FileSource>,
    #[serde(default)]
    pub status_indicator: StatusIndicator,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ImageTask {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default)]
    pub status_indicator: StatusIndicator,
}

/// Borrowed, tagged view of the sources a task may list.
#[derive(Serialize)]
#[serde(tag = "type")]
pub(crate) enum TaggedSource<'a> {
    #[serde(rename = "url")]
    Url(&'a UrlSource),
    #[serde(rename = "file")]
    File(&'a FileSource),
}

fn source_tag(source: &Source) -> &'static str {
    match source {
        Source::Url(_) => "url",
        Source::File(_) => "file",
        Source::Entity(_) => "entity",
    }
}

impl UnionMember for UrlSource {
    type Union = Source;
    type Tagged<'a> = TaggedSource<'a>;
    const TAG: &'static str = "url";

    fn tagged(&self) -> TaggedSource<'_> {
        TaggedSource::Url(self)
    }

    fn from_union(union: Source) -> Result<Self, &'static str> {
        match union {
            Source::Url(source) => Ok(source),
            other => Err(source_tag(&other)),
        }
    }
}

impl UnionMember for FileSource {
    type Union = Source;
    type Tagged<'a> = TaggedSource<'a>;
    const TAG: &'static str = "file";

    fn tagged(&self) -> TaggedSource<'_> {
        TaggedSource::File(self)
    }

    fn from_union(union: Source) -> Result<Self, &'static str> {
        match union {
            Source::File(source) => Ok(source),
            other => Err(source_tag(&other)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn search_sources_carry_their_tag_and_reject_other_kinds() {
        let task = Task::WebSearch(WebSearchTask {
            queries: vec!["lakers odds".into()],
            sources: vec![UrlSource {
                title: "Odds".into(),
                url: "https://example.com".into(),
                ..Default::default()
            }],
            ..Default::default()
        });
        let json = serde_json::to_value(&task).unwrap();
        assert_eq!(
            json,
            json!({"type": "web_search", "queries": ["lakers odds"], "status_indicator": "none",
                   "sources": [{"type": "url", "title": "Odds", "url": "https://example.com"}]})
        );
        assert_eq!(serde_json::from_value::<Task>(json).unwrap(), task);
        let wrong = json!({"type": "web_search",
                           "sources": [{"type": "file", "title": "x", "filename": "x.md"}]});
        let error = serde_json::from_value::<Task>(wrong)
            .unwrap_err()
            .to_string();
        assert!(error.contains("expected `url`, found `file`"), "{error}");
    }

    #[test]
    fn summary_is_told_apart_by_keys() {
        let duration: WorkflowSummary = serde_json::from_value(json!({"duration": 4})).unwrap();
        assert_eq!(
            duration,
            WorkflowSummary::Duration(DurationSummary { duration: 4 })
        );
        let custom: WorkflowSummary =
            serde_json::from_value(json!({"title": "Searched", "icon": "search"})).unwrap();
        assert!(matches!(custom, WorkflowSummary::Custom(_)));
    }

    #[test]
    fn new_workflow_sends_expanded_false() {
        let workflow = Workflow::new(WorkflowKind::Reasoning);
        assert_eq!(
            serde_json::to_value(workflow).unwrap(),
            json!({"type": "reasoning", "tasks": [], "expanded": false})
        );
    }
}
