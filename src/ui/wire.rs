//! What the page reads of ChatKit's JSON: thread items, stream events, thread summaries, pages
//! and widget trees, read as `serde_json::Value` through a few accessors.
//!
//! Why not the protocol's types: the page draws a handful of fields of three item types, while
//! the derived `Deserialize` of every item, event, update and widget type (and serde's buffering
//! behind their `"type"` tags) was a third of the WASM. The server keeps the types: it builds,
//! validates and stores every item with them, so what reaches the page is already well formed.
//! The tests apply every update both ways (typed, as the server does, and to the JSON) and
//! require the same result, on hand-made items and on the seed prompts' real streams.
//!
//! Pure: tested natively.

use crate::protocol::{ActionConfig, ItemKind};
use serde_json::{Map, Value};

/// A string field, or `""` when it is missing or not a string.
pub fn str_at<'a>(value: &'a Value, key: &str) -> &'a str {
    value.get(key).and_then(Value::as_str).unwrap_or("")
}

/// An optional string field.
pub fn opt_str(value: &Value, key: &str) -> Option<String> {
    value.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// A boolean flag that is on only when it is literally `true`.
pub fn flag(value: &Value, key: &str) -> bool {
    value.get(key).and_then(Value::as_bool) == Some(true)
}

/// Whether a field is given (present and not `null`), whatever its value.
pub fn is_set(value: &Value, key: &str) -> bool {
    value.get(key).is_some_and(|v| !v.is_null())
}

fn index_at(value: &Value, key: &str) -> Result<usize, String> {
    value
        .get(key)
        .and_then(Value::as_u64)
        .and_then(|i| usize::try_from(i).ok())
        .ok_or_else(|| format!("`{key}` is not an index"))
}

/// A widget component's children: its `children` list, or the one child a `Transition` wraps.
pub fn children(node: &Value) -> Vec<Value> {
    child_slice(node).to_vec()
}

fn child_slice(node: &Value) -> &[Value] {
    match node.get("children") {
        Some(Value::Array(list)) => list,
        Some(child @ Value::Object(_)) => std::slice::from_ref(child),
        _ => &[],
    }
}

fn child_slice_mut(node: &mut Value) -> &mut [Value] {
    match node.get_mut("children") {
        Some(Value::Array(list)) => list,
        Some(child @ Value::Object(_)) => std::slice::from_mut(child),
        _ => &mut [],
    }
}

/// An action a widget carries (`onClickAction`, `onSubmitAction`, a card's `confirm.action`).
pub fn action_at(node: &Value, key: &str) -> Option<ActionConfig> {
    serde_json::from_value(node.get(key)?.clone()).ok()
}

/// The first button in the tree whose click action is `kind` (the slip's Lock It In).
pub fn button_action(root: &Value, kind: &str) -> Option<ActionConfig> {
    let mut found = None;
    walk(root, &mut |node| {
        if found.is_none() && str_at(node, "type") == "Button" {
            found = action_at(node, "onClickAction").filter(|a| a.kind == kind);
        }
    });
    found
}

/// Visits every component below `node`, depth first.
fn walk(node: &Value, visit: &mut impl FnMut(&Value)) {
    for child in child_slice(node) {
        visit(child);
        walk(child, visit);
    }
}

/// The lists that only hold one kind of component: a member can only be replaced by its kind.
fn typed_member(parent_kind: &str) -> Option<&'static str> {
    match parent_kind {
        "ListView" => Some("ListViewItem"),
        "Table" => Some("Table.Row"),
        "Table.Row" => Some("Table.Cell"),
        _ => None,
    }
}

/// The component with this `id` below `node` (depth first, as the server's tree walk), and
/// the kind of list it sits in.
fn find_mut<'a>(node: &'a mut Value, id: &str) -> Option<(&'a mut Value, Option<&'static str>)> {
    let member = typed_member(str_at(node, "type"));
    for child in child_slice_mut(node) {
        if child.get("id").and_then(Value::as_str) == Some(id) {
            return Some((child, member));
        }
        if let Some(found) = find_mut(child, id) {
            return Some(found);
        }
    }
    None
}

/// A sent file as its message shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct SentFile {
    pub name: String,
    pub mime_type: String,
    /// An image's (signed) thumbnail link; `None` for other files.
    pub preview_url: Option<String>,
}

/// A thread item as the page keeps it: the server's JSON object, which has an `id` and a `type`.
#[derive(Clone, Debug, PartialEq)]
pub struct Item(Value);

impl Item {
    /// `None` for anything but an object with a string `id` and `type`.
    pub fn read(value: Value) -> Option<Item> {
        let well_formed = value.get("id").is_some_and(Value::is_string)
            && value.get("type").is_some_and(Value::is_string);
        well_formed.then_some(Item(value))
    }

    /// The item's JSON as the page holds it.
    pub fn json(&self) -> &Value {
        &self.0
    }

    pub fn id(&self) -> &str {
        str_at(&self.0, "id")
    }

    pub fn kind(&self) -> &str {
        str_at(&self.0, "type")
    }

    pub fn is(&self, kind: ItemKind) -> bool {
        self.kind() == kind.as_str()
    }

    pub fn thread_id(&self) -> &str {
        str_at(&self.0, "thread_id")
    }

    /// Context for the model that the user never sees.
    pub fn is_hidden(&self) -> bool {
        self.is(ItemKind::HiddenContext) || self.is(ItemKind::SdkHiddenContext)
    }

    /// A message's text: the user's segments (a tag reads as its label) or the answer's parts.
    pub fn text(&self) -> String {
        match self.0.get("content") {
            Some(Value::Array(parts)) => parts.iter().map(|p| str_at(p, "text")).collect(),
            _ => String::new(),
        }
    }

    /// The files a user message carries.
    pub fn attachments(&self) -> Vec<SentFile> {
        let Some(Value::Array(list)) = self.0.get("attachments") else {
            return Vec::new();
        };
        list.iter()
            .map(|a| SentFile {
                name: str_at(a, "name").to_owned(),
                mime_type: str_at(a, "mime_type").to_owned(),
                preview_url: (str_at(a, "type") == "image")
                    .then(|| opt_str(a, "preview_url"))
                    .flatten(),
            })
            .collect()
    }

    /// A widget item's tree (its root: `Card`, `ListView` or `Basic`).
    pub fn widget(&self) -> Option<&Value> {
        self.0.get("widget").filter(|w| w.is_object())
    }

    /// Applies a `thread.item.updated` update as a ChatKit client does (spec §6.2), exactly as
    /// `ThreadItem::apply_update` on the server. On error the item is unchanged.
    pub fn apply_update(&mut self, update: &Value) -> Result<(), String> {
        let kind = str_at(update, "type");
        let item_kind = self.kind().to_owned();
        let item = &mut self.0;
        match (item_kind.as_str(), kind) {
            (
                "assistant_message",
                "assistant_message.content_part.added" | "assistant_message.content_part.done",
            ) => {
                let index = index_at(update, "content_index")?;
                let content = update.get("content").cloned().unwrap_or(Value::Null);
                let parts = array_mut(item, "content");
                match index.cmp(&parts.len()) {
                    std::cmp::Ordering::Less => parts[index] = content,
                    std::cmp::Ordering::Equal => parts.push(content),
                    std::cmp::Ordering::Greater => return Err(format!("no content part {index}")),
                }
            }
            ("assistant_message", "assistant_message.content_part.text_delta") => {
                let index = index_at(update, "content_index")?;
                let part = array_mut(item, "content")
                    .get_mut(index)
                    .ok_or_else(|| format!("no content part {index}"))?;
                append(part, "text", str_at(update, "delta"));
            }
            ("assistant_message", "assistant_message.content_part.annotation_added") => {
                let index = index_at(update, "content_index")?;
                let at = index_at(update, "annotation_index")?;
                let part = array_mut(item, "content")
                    .get_mut(index)
                    .ok_or_else(|| format!("no content part {index}"))?;
                let annotations = array_mut(part, "annotations");
                if at > annotations.len() {
                    return Err(format!("annotation index {at} out of range"));
                }
                let annotation = update.get("annotation").cloned().unwrap_or(Value::Null);
                annotations.insert(at, annotation);
            }
            ("widget", "widget.streaming_text.value_delta") => {
                let id = str_at(update, "component_id");
                let root = item
                    .get_mut("widget")
                    .ok_or("the widget item has no tree")?;
                let (node, _) = find_mut(root, id).ok_or_else(|| format!("no component `{id}`"))?;
                if !matches!(str_at(node, "type"), "Text" | "Markdown") {
                    return Err(format!("component `{id}` is not Text or Markdown"));
                }
                append(node, "value", str_at(update, "delta"));
            }
            ("widget", "widget.component.updated") => {
                let id = str_at(update, "component_id");
                let component = update.get("component").cloned().unwrap_or(Value::Null);
                let root = item
                    .get_mut("widget")
                    .ok_or("the widget item has no tree")?;
                let (slot, member) =
                    find_mut(root, id).ok_or_else(|| format!("no component `{id}`"))?;
                if let Some(member) = member.filter(|m| str_at(&component, "type") != *m) {
                    return Err(format!("component `{id}` can only be a {member}"));
                }
                *slot = component;
            }
            ("widget", "widget.root.updated") => {
                let widget = update.get("widget").cloned().unwrap_or(Value::Null);
                object_mut(item).insert("widget".into(), widget);
            }
            ("workflow", "workflow.task.added" | "workflow.task.updated") => {
                let index = index_at(update, "task_index")?;
                let task = update.get("task").cloned().unwrap_or(Value::Null);
                let workflow = item
                    .get_mut("workflow")
                    .ok_or("the workflow has no tasks")?;
                let tasks = array_mut(workflow, "tasks");
                match kind {
                    "workflow.task.added" if index <= tasks.len() => tasks.insert(index, task),
                    "workflow.task.updated" if index < tasks.len() => tasks[index] = task,
                    _ => return Err(format!("task index {index} out of range")),
                }
            }
            ("generated_image", "generated_image.updated") => {
                let image = update.get("image").cloned().unwrap_or(Value::Null);
                object_mut(item).insert("image".into(), image);
            }
            _ => return Err(format!("`{kind}` does not apply to a {item_kind}")),
        }
        Ok(())
    }
}

/// The object behind `value` (made one if it was not).
fn object_mut(value: &mut Value) -> &mut Map<String, Value> {
    if !value.is_object() {
        *value = Value::Object(Map::new());
    }
    match value {
        Value::Object(map) => map,
        _ => unreachable!("just made an object"),
    }
}

/// Appends `delta` to the text at `key` in place: an answer grows by one delta per token, and
/// copying the text so far each time would make streaming it quadratic.
fn append(value: &mut Value, key: &str, delta: &str) {
    let slot = object_mut(value)
        .entry(key.to_owned())
        .or_insert_with(|| Value::String(String::new()));
    match slot {
        Value::String(text) => text.push_str(delta),
        other => *other = Value::String(delta.to_owned()),
    }
}

/// The list at `key` (an empty one if it was missing).
fn array_mut<'a>(value: &'a mut Value, key: &str) -> &'a mut Vec<Value> {
    let slot = object_mut(value)
        .entry(key.to_owned())
        .or_insert_with(|| Value::Array(Vec::new()));
    if !slot.is_array() {
        *slot = Value::Array(Vec::new());
    }
    match slot {
        Value::Array(list) => list,
        _ => unreachable!("just made a list"),
    }
}

/// A thread as the list and the header show it.
#[derive(Clone, Debug, PartialEq)]
pub struct ThreadInfo {
    pub id: String,
    pub title: Option<String>,
}

impl ThreadInfo {
    pub fn read(value: &Value) -> Option<ThreadInfo> {
        Some(ThreadInfo {
            id: value.get("id")?.as_str()?.to_owned(),
            title: opt_str(value, "title"),
        })
    }
}

/// A page of a list answer (`threads.list`, `items.list`): its members that read, and the id
/// to continue after when there are more.
pub fn read_page<T>(page: &Value, read: impl Fn(&Value) -> Option<T>) -> (Vec<T>, Option<String>) {
    let data = match page.get("data") {
        Some(Value::Array(list)) => list.iter().filter_map(read).collect(),
        _ => Vec::new(),
    };
    let after = flag(page, "has_more")
        .then(|| opt_str(page, "after"))
        .flatten();
    (data, after)
}

/// One stream event, as far as the page acts on it.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    /// `thread.created` (`created`) or `thread.updated`.
    Thread {
        thread: ThreadInfo,
        created: bool,
    },
    /// `thread.item.added`, `.done` or `.replaced`: the item as it now is.
    Item(Item),
    ItemUpdated {
        item_id: String,
        update: Value,
    },
    ItemRemoved(String),
    /// The running turn's status line (`progress_update`, `notice`).
    Status(String),
    /// The turn failed: what the user reads.
    Error(String),
    /// Events the page has nothing to do with (`stream_options`, `client_effect`).
    Other,
}

/// What the user reads for an `error` event: the server's message when it wrote one for the
/// user (`custom`, the default code), else a generic apology.
pub fn error_text(error: &Value) -> String {
    let custom = matches!(
        error.get("code").and_then(Value::as_str),
        None | Some("custom")
    );
    match opt_str(error, "message") {
        Some(message) if custom => message,
        _ => "Something went wrong while answering. Please try again.".into(),
    }
}

impl Event {
    /// Reads one event line of the page's door.
    pub fn read(line: &str) -> Result<Event, String> {
        let mut value: Value = serde_json::from_str(line).map_err(|e| e.to_string())?;
        // Parts are moved out, not cloned: every streamed token is one of these events.
        let kind = match value.as_object_mut().and_then(|map| map.remove("type")) {
            Some(Value::String(kind)) => kind,
            _ => return Err("an event without a type".into()),
        };
        let thread = || {
            value
                .get("thread")
                .and_then(ThreadInfo::read)
                .ok_or("a thread event without its thread")
        };
        Ok(match kind.as_str() {
            "thread.created" => Event::Thread {
                thread: thread()?,
                created: true,
            },
            "thread.updated" => Event::Thread {
                thread: thread()?,
                created: false,
            },
            "thread.item.added" | "thread.item.done" | "thread.item.replaced" => {
                let item = value.as_object_mut().and_then(|map| map.remove("item"));
                Event::Item(
                    item.and_then(Item::read)
                        .ok_or("an item event without its item")?,
                )
            }
            "thread.item.updated" => {
                let update = value.as_object_mut().and_then(|map| map.remove("update"));
                Event::ItemUpdated {
                    item_id: str_at(&value, "item_id").to_owned(),
                    update: update.unwrap_or(Value::Null),
                }
            }
            "thread.item.removed" => Event::ItemRemoved(str_at(&value, "item_id").to_owned()),
            "progress_update" => Event::Status(str_at(&value, "text").to_owned()),
            "notice" => Event::Status(str_at(&value, "message").to_owned()),
            "error" => Event::Error(error_text(&value)),
            _ => Event::Other,
        })
    }
}

#[cfg(test)]
#[path = "wire_tests.rs"]
mod tests;
