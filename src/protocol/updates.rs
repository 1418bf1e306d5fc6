//! Incremental item updates (`thread.item.updated`.`update`, spec §6.2) and applying them.
//!
//! [`ThreadItem::apply_update`] is what the client does with an update. The engine uses it to keep
//! the pending state of items it streams (cancellation saves that state), and tests to check that
//! `done` equals what the updates built. The page applies the same updates to the JSON it reads
//! (`ui::wire`), tested against this one.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::content::{Annotation, AssistantMessageContent};
use super::items::{GeneratedImage, ItemKind, ThreadItem};
use super::tasks::Task;
use super::widgets::{WidgetComponent, WidgetRoot};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum ThreadItemUpdate {
    /// Sets assistant content part `content_index` (send before any delta for it).
    #[serde(rename = "assistant_message.content_part.added")]
    ContentPartAdded {
        content_index: usize,
        content: AssistantMessageContent,
    },
    /// Appends `delta` to the part's text.
    #[serde(rename = "assistant_message.content_part.text_delta")]
    TextDelta { content_index: usize, delta: String },
    /// Inserts an annotation at `annotation_index`.
    #[serde(rename = "assistant_message.content_part.annotation_added")]
    AnnotationAdded {
        content_index: usize,
        annotation_index: usize,
        annotation: Annotation,
    },
    /// The part is final (full text and annotations).
    #[serde(rename = "assistant_message.content_part.done")]
    ContentPartDone {
        content_index: usize,
        content: AssistantMessageContent,
    },
    /// Appends to the `value` of the `Text` / `Markdown` with that id; `done` ends its animation.
    #[serde(rename = "widget.streaming_text.value_delta")]
    WidgetTextDelta {
        component_id: String,
        delta: String,
        done: bool,
    },
    /// Replaces the component with that id. Boxed: components are large and this update is rare.
    #[serde(rename = "widget.component.updated")]
    WidgetComponentUpdated {
        component_id: String,
        component: Box<WidgetComponent>,
    },
    /// Replaces the whole tree.
    #[serde(rename = "widget.root.updated")]
    WidgetRootUpdated { widget: WidgetRoot },
    /// Inserts a task at `task_index` (its new position; usually the end).
    #[serde(rename = "workflow.task.added")]
    TaskAdded { task_index: usize, task: Task },
    /// Replaces the task at `task_index`.
    #[serde(rename = "workflow.task.updated")]
    TaskUpdated { task_index: usize, task: Task },
    /// A partial or updated image; `progress` in 0..=1.
    #[serde(rename = "generated_image.updated")]
    GeneratedImageUpdated {
        image: GeneratedImage,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        progress: Option<f64>,
    },
}

impl ThreadItemUpdate {
    /// The item type this update applies to.
    pub fn target(&self) -> ItemKind {
        match self {
            Self::ContentPartAdded { .. }
            | Self::TextDelta { .. }
            | Self::AnnotationAdded { .. }
            | Self::ContentPartDone { .. } => ItemKind::AssistantMessage,
            Self::WidgetTextDelta { .. }
            | Self::WidgetComponentUpdated { .. }
            | Self::WidgetRootUpdated { .. } => ItemKind::Widget,
            Self::TaskAdded { .. } | Self::TaskUpdated { .. } => ItemKind::Workflow,
            Self::GeneratedImageUpdated { .. } => ItemKind::GeneratedImage,
        }
    }
}

/// An update that does not fit the item it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UpdateError {
    WrongItemType {
        expected: ItemKind,
        found: ItemKind,
    },
    /// A content part that was never added (or an index past the end for `added`).
    ContentIndex(usize),
    AnnotationIndex(usize),
    TaskIndex(usize),
    ComponentNotFound(String),
    /// A text delta for a component that is not `Text` / `Markdown`.
    NotStreamingText(String),
    /// A typed child (e.g. a `ListViewItem`) replaced by another kind of component.
    ComponentTypeMismatch {
        component_id: String,
        found: &'static str,
    },
}

impl fmt::Display for UpdateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::WrongItemType { expected, found } => write!(
                f,
                "update for a {} applied to a {}",
                expected.as_str(),
                found.as_str()
            ),
            Self::ContentIndex(index) => write!(f, "no content part {index}"),
            Self::AnnotationIndex(index) => write!(f, "annotation index {index} out of range"),
            Self::TaskIndex(index) => write!(f, "task index {index} out of range"),
            Self::ComponentNotFound(id) => write!(f, "no component with id `{id}`"),
            Self::NotStreamingText(id) => write!(f, "component `{id}` is not Text or Markdown"),
            Self::ComponentTypeMismatch {
                component_id,
                found,
            } => write!(
                f,
                "component `{component_id}` cannot be replaced by a {found}"
            ),
        }
    }
}

impl std::error::Error for UpdateError {}

impl ThreadItem {
    /// Applies an update as the client would. On error the item is unchanged.
    pub fn apply_update(&mut self, update: &ThreadItemUpdate) -> Result<(), UpdateError> {
        use ThreadItemUpdate as U;
        let found = self.kind();
        let wrong = || UpdateError::WrongItemType {
            expected: update.target(),
            found,
        };
        match (self, update) {
            (ThreadItem::AssistantMessage(message), update) => {
                let parts = &mut message.content;
                match update {
                    U::ContentPartAdded {
                        content_index,
                        content,
                    }
                    | U::ContentPartDone {
                        content_index,
                        content,
                    } => {
                        if *content_index < parts.len() {
                            parts[*content_index] = content.clone();
                        } else if *content_index == parts.len() {
                            parts.push(content.clone());
                        } else {
                            return Err(UpdateError::ContentIndex(*content_index));
                        }
                    }
                    U::TextDelta {
                        content_index,
                        delta,
                    } => parts
                        .get_mut(*content_index)
                        .ok_or(UpdateError::ContentIndex(*content_index))?
                        .text
                        .push_str(delta),
                    U::AnnotationAdded {
                        content_index,
                        annotation_index,
                        annotation,
                    } => {
                        let part = parts
                            .get_mut(*content_index)
                            .ok_or(UpdateError::ContentIndex(*content_index))?;
                        if *annotation_index > part.annotations.len() {
                            return Err(UpdateError::AnnotationIndex(*annotation_index));
                        }
                        part.annotations
                            .insert(*annotation_index, annotation.clone());
                    }
                    _ => return Err(wrong()),
                }
            }
            (ThreadItem::Widget(item), update) => match update {
                U::WidgetTextDelta {
                    component_id,
                    delta,
                    ..
                } => item.widget.append_text(component_id, delta)?,
                U::WidgetComponentUpdated {
                    component_id,
                    component,
                } => item
                    .widget
                    .replace_component(component_id, (**component).clone())?,
                U::WidgetRootUpdated { widget } => item.widget = widget.clone(),
                _ => return Err(wrong()),
            },
            (ThreadItem::Workflow(item), update) => {
                let tasks = &mut item.workflow.tasks;
                match update {
                    U::TaskAdded { task_index, task } if *task_index <= tasks.len() => {
                        tasks.insert(*task_index, task.clone());
                    }
                    U::TaskUpdated { task_index, task } if *task_index < tasks.len() => {
                        tasks[*task_index] = task.clone();
                    }
                    U::TaskAdded { task_index, .. } | U::TaskUpdated { task_index, .. } => {
                        return Err(UpdateError::TaskIndex(*task_index))
                    }
                    _ => return Err(wrong()),
                }
            }
            (ThreadItem::GeneratedImage(item), U::GeneratedImageUpdated { image, .. }) => {
                item.image = Some(image.clone());
            }
            _ => return Err(wrong()),
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "updates_tests.rs"]
mod tests;
