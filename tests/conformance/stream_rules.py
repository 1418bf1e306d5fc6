"""The per-stream rules of the protocol (spec 6 and 7), replayed like a client.

A StreamReplay consumes one SSE answer's events in order, rebuilds every
pending item from its updates, and collects three kinds of violations:
order (thread.created first, the user message echoed first, item thread ids),
lifecycle (added -> done/removed, updates only for pending items of the
matching type) and deltas (the final item equals what the updates built).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import chatkit_models as cm
from http_sse import short

ck = cm.ck


# ---------------------------------------------------------------------------
# Stream replay: what a client would build from the events
# ---------------------------------------------------------------------------


@dataclass
class StreamOutcome:
    thread: Any = None  # the validated Thread of thread.created
    items: dict[str, Any] = field(default_factory=dict)  # id -> validated final item (done / replaced)
    removed: list[str] = field(default_factory=list)
    titles: list[str | None] = field(default_factory=list)  # from thread.updated, in order
    errors: list[str] = field(default_factory=list)
    event_types: list[str] = field(default_factory=list)


def update_target(update_type: str) -> str | None:
    """The item type an update applies to (spec 6.2)."""
    for prefix in ("assistant_message", "widget", "workflow", "generated_image"):
        if update_type.startswith(prefix + "."):
            return prefix
    return None


class StreamReplay:
    """Replays one stream's events and collects order, lifecycle and delta violations.

    Works on the raw JSON so that a schema-invalid event still takes part in
    the structural checks; validated models are only used for the outcome.
    """

    def __init__(self, kind: str, thread_id: str | None, sent_input: dict[str, Any] | None, known: set[str]) -> None:
        self.kind = kind  # create | add | retry | action
        self.thread_id = thread_id
        self.sent_input = sent_input
        self.known = known  # item ids stored before this stream
        self.out = StreamOutcome()
        self.order: list[str] = []
        self.lifecycle: list[str] = []
        self.deltas: list[str] = []
        self.pending: dict[str, dict[str, Any]] = {}
        self.finished: set[str] = set()
        self.user_ids: list[str] = []
        self.first_item: str | None = None
        self.index = 0

    def run(self, events: list[dict[str, Any]], models: list[Any]) -> StreamOutcome:
        self._check_thread_created(events)
        handlers: dict[str, Callable[[dict[str, Any], Any], None]] = {
            "thread.created": self._created,
            "thread.updated": self._thread_updated,
            "thread.item.added": self._added,
            "thread.item.updated": self._updated,
            "thread.item.done": self._done,
            "thread.item.replaced": self._replaced,
            "thread.item.removed": self._removed,
            "error": self._error,
        }
        for self.index, (event, model) in enumerate(zip(events, models)):
            self.out.event_types.append(str(event.get("type")))
            handler = handlers.get(str(event.get("type")))
            if handler:
                handler(event, model)
        self._finish()
        return self.out

    def _at(self, text: str) -> str:
        return f"event {self.index}: {text}"

    def _check_thread_created(self, events: list[dict[str, Any]]) -> None:
        count = sum(1 for e in events if e.get("type") == "thread.created")
        if self.kind != "create":
            if count:
                self.order.append(f"thread.created in a {self.kind} stream")
        elif not events or events[0].get("type") != "thread.created":
            self.order.append("the first event is not thread.created")
        elif count > 1:
            self.order.append(f"thread.created sent {count} times")

    def _created(self, event: dict[str, Any], model: Any) -> None:
        if model is not None and self.kind == "create" and self.out.thread is None:
            self.out.thread = model.thread
            self.thread_id = model.thread.id

    def _thread_updated(self, event: dict[str, Any], model: Any) -> None:
        thread = event.get("thread") if isinstance(event.get("thread"), dict) else {}
        if self.thread_id and thread.get("id") != self.thread_id:
            self.order.append(self._at(f"thread.updated for {thread.get('id')!r}, not {self.thread_id!r}"))
        if model is not None:
            self.out.titles.append(model.thread.title)

    def _item(self, event: dict[str, Any]) -> dict[str, Any]:
        """The event's item, after the checks every item event shares."""
        item = event.get("item") if isinstance(event.get("item"), dict) else {}
        if self.thread_id and item.get("thread_id") != self.thread_id:
            self.order.append(
                self._at(f"item {item.get('id')} has thread_id {item.get('thread_id')!r}, not {self.thread_id!r}")
            )
        if self.first_item is None:
            self.first_item = item.get("id")
        return item

    def _added(self, event: dict[str, Any], model: Any) -> None:
        item = self._item(event)
        iid = item.get("id")
        if iid in self.pending:
            self.lifecycle.append(self._at(f"item {iid} added twice"))
        if iid in self.finished:
            self.lifecycle.append(self._at(f"item {iid} added after its thread.item.done"))
        self.pending[iid] = copy.deepcopy(item)

    def _updated(self, event: dict[str, Any], model: Any) -> None:
        iid = event.get("item_id")
        update = event.get("update") if isinstance(event.get("update"), dict) else {}
        update_type = str(update.get("type"))
        if iid not in self.pending:
            self.lifecycle.append(
                self._at(f"{update_type} for {iid}, which is not pending (added, not yet done) in this stream")
            )
            return
        target = update_target(update_type)
        if target != self.pending[iid].get("type"):
            self.lifecycle.append(self._at(f"{update_type} applied to a {self.pending[iid].get('type')} item"))
            return
        self.deltas.extend(self._at(p) for p in apply_update(self.pending[iid], update))

    def _done(self, event: dict[str, Any], model: Any) -> None:
        item = self._item(event)
        iid = item.get("id")
        if iid in self.finished:
            self.lifecycle.append(self._at(f"item {iid} done twice"))
        if iid in self.pending:
            built = self.pending.pop(iid)
            if built.get("type") != item.get("type"):
                self.lifecycle.append(self._at(f"item {iid} added as {built.get('type')}, done as {item.get('type')}"))
            else:
                self.deltas.extend(self._at(p) for p in compare_final(built, item))
        self.finished.add(iid)
        if item.get("type") == "user_message":
            self.user_ids.append(iid)
        if model is not None:
            self.out.items.pop(iid, None)
            self.out.items[iid] = model.item

    def _replaced(self, event: dict[str, Any], model: Any) -> None:
        item = self._item(event)
        iid = item.get("id")
        if iid in self.pending:
            self.lifecycle.append(self._at(f"pending item {iid} replaced (finish it with thread.item.done)"))
        elif iid not in self.known and iid not in self.finished:
            self.lifecycle.append(self._at(f"thread.item.replaced for {iid}, which is not an existing item"))
        if model is not None:
            self.out.items[iid] = model.item

    def _removed(self, event: dict[str, Any], model: Any) -> None:
        iid = event.get("item_id")
        if iid not in self.pending and iid not in self.finished and iid not in self.known:
            self.lifecycle.append(self._at(f"thread.item.removed for {iid}, which was never streamed or stored"))
        self.pending.pop(iid, None)
        self.out.items.pop(iid, None)
        self.out.removed.append(iid)

    def _error(self, event: dict[str, Any], model: Any) -> None:
        self.out.errors.append(short(event))

    def _finish(self) -> None:
        if self.pending:
            self.lifecycle.append(f"item(s) added but never done or removed: {sorted(map(str, self.pending))}")
        if self.kind in ("create", "add"):
            self._check_user_message()
        elif self.user_ids:
            self.order.append(f"{self.kind} stream sent user message item(s) {self.user_ids}")
        if self.kind != "action":
            answers = [i for i, it in self.out.items.items() if it.type != "user_message"]
            if not answers:
                self.order.append("no answer: no assistant-side item was completed")

    def _check_user_message(self) -> None:
        if len(self.user_ids) != 1:
            self.order.append(f"expected exactly one user_message thread.item.done, got {len(self.user_ids)}")
            return
        uid = self.user_ids[0]
        if self.first_item != uid:
            self.order.append(f"the user message {uid} is not the first item of the stream")
        if uid in self.out.items and self.sent_input is not None:
            self.order.extend(echo_problems(self.out.items[uid], self.sent_input))


def echo_problems(item: Any, sent_input: dict[str, Any]) -> list[str]:
    """The stored user message must say exactly what the client sent."""
    sent = ck.UserMessageInput.model_validate(sent_input)
    problems = []
    got_content = [c.model_dump() for c in item.content]
    sent_content = [c.model_dump() for c in sent.content]
    if got_content != sent_content:
        problems.append(f"user message content {short(got_content)} is not the input {short(sent_content)}")
    if item.quoted_text != sent.quoted_text:
        problems.append(f"quoted_text {item.quoted_text!r}, sent {sent.quoted_text!r}")
    if item.inference_options.model_dump() != sent.inference_options.model_dump():
        problems.append(f"inference_options {item.inference_options.model_dump()} differ from the input")
    if item.attachments:
        problems.append("the user message has attachments although none were sent")
    return problems


# --- applying updates to a pending item (raw JSON) ---


def apply_update(item: dict[str, Any], update: dict[str, Any]) -> list[str]:
    """Apply one thread.item.updated to the rebuilt item; returns what was inconsistent."""
    update_type = str(update.get("type"))
    target = update_target(update_type)
    if target == "assistant_message":
        return _apply_text(item, update, update_type.rsplit(".", 1)[-1])
    if target == "widget":
        return _apply_widget(item, update, update_type)
    if target == "workflow":
        return _apply_task(item, update, update_type)
    if target == "generated_image":
        item["image"] = copy.deepcopy(update.get("image"))
        return []
    return [f"unknown update type {update_type!r}"]


def _apply_text(item: dict[str, Any], update: dict[str, Any], step: str) -> list[str]:
    parts = item.setdefault("content", [])
    i = update.get("content_index")
    if not isinstance(i, int) or isinstance(i, bool) or i < 0:
        return [f"bad content_index {i!r}"]
    if step == "added":
        if i > len(parts):
            return [f"content_part.added for index {i} skips parts ({len(parts)} exist)"]
        part = copy.deepcopy(update.get("content"))
        parts[i : i + 1] = [part]
        return []
    if i >= len(parts):
        return [f"{step} for content index {i} before its content_part.added"]
    part = parts[i]
    if step == "text_delta":
        part["text"] = str(part.get("text", "")) + str(update.get("delta", ""))
    elif step == "annotation_added":
        annotations = part.setdefault("annotations", [])
        j = update.get("annotation_index")
        if not isinstance(j, int) or not 0 <= j <= len(annotations):
            return [f"annotation_index {j!r} with {len(annotations)} annotation(s) so far"]
        annotations.insert(j, copy.deepcopy(update.get("annotation")))
    elif step == "done":
        final = copy.deepcopy(update.get("content")) or {}
        problems = []
        if final.get("text") != part.get("text"):
            problems.append(
                f"content_part.done text {short(final.get('text'), 60)} != streamed {short(part.get('text'), 60)}"
            )
        if not final.get("annotations") and part.get("annotations"):
            final["annotations"] = part["annotations"]  # the SDK's Agents adapter leaves them to item.done
        parts[i] = final
        return problems
    return []


def _apply_widget(item: dict[str, Any], update: dict[str, Any], update_type: str) -> list[str]:
    if update_type == "widget.root.updated":
        item["widget"] = copy.deepcopy(update.get("widget"))
        return []
    cid = update.get("component_id")
    if update_type == "widget.component.updated":
        if not replace_by_id(item.get("widget"), cid, copy.deepcopy(update.get("component"))):
            return [f"widget.component.updated for unknown component id {cid!r}"]
        return []
    node = text_nodes(item.get("widget")).get(cid)
    if node is None:
        return [f"value_delta for {cid!r}, which is no Text/Markdown with that id"]
    node["value"] = str(node.get("value", "")) + str(update.get("delta", ""))
    return []


def _apply_task(item: dict[str, Any], update: dict[str, Any], update_type: str) -> list[str]:
    workflow = item.get("workflow") if isinstance(item.get("workflow"), dict) else {}
    tasks = workflow.setdefault("tasks", [])
    i = update.get("task_index")
    if update_type == "workflow.task.added":
        if i != len(tasks):
            return [f"workflow.task.added at index {i!r}, expected {len(tasks)}"]
        tasks.append(copy.deepcopy(update.get("task")))
    elif not isinstance(i, int) or not 0 <= i < len(tasks):
        return [f"workflow.task.updated for missing task index {i!r}"]
    else:
        tasks[i] = copy.deepcopy(update.get("task"))
    return []


def compare_final(built: dict[str, Any], final: dict[str, Any]) -> list[str]:
    """The done item must equal what the deltas built (texts, annotations, widget texts, tasks)."""
    kind = final.get("type")
    if kind == "assistant_message" and built.get("content"):
        got = [(p.get("text"), p.get("annotations", [])) for p in final.get("content", []) if isinstance(p, dict)]
        rebuilt = [(p.get("text"), p.get("annotations", [])) for p in built["content"] if isinstance(p, dict)]
        got_text, rebuilt_text = [g[0] for g in got], [r[0] for r in rebuilt]
        if got_text != rebuilt_text:
            return [f"final text {short(got_text, 80)} != text rebuilt from deltas {short(rebuilt_text, 80)}"]
        if got != rebuilt:
            return ["final annotations differ from the streamed annotations"]
    if kind == "widget":
        final_texts = {k: n.get("value") for k, n in text_nodes(final.get("widget")).items()}
        built_texts = {k: n.get("value") for k, n in text_nodes(built.get("widget")).items()}
        return [
            f"widget text {k!r}: final {short(final_texts[k], 40)} != streamed {short(v, 40)}"
            for k, v in built_texts.items()
            if k in final_texts and final_texts[k] != v
        ]
    if kind == "workflow":
        built_tasks = (built.get("workflow") or {}).get("tasks", [])
        final_tasks = (final.get("workflow") or {}).get("tasks", [])
        if len(final_tasks) < len(built_tasks):
            return [f"workflow done with {len(final_tasks)} task(s) but {len(built_tasks)} were streamed"]
    return []


# --- widget tree helpers (raw JSON) ---


def _child_slots(node: Any) -> list[tuple[Any, Any, Any]]:
    """(container, key, child) for each child of a component: `children` is a list or, for Transition, one node."""
    children = node.get("children") if isinstance(node, dict) else None
    if isinstance(children, dict):
        return [(node, "children", children)]
    return [(children, i, child) for i, child in enumerate(children)] if isinstance(children, list) else []


def _children(node: Any) -> list[Any]:
    return [child for _, _, child in _child_slots(node)]


def text_nodes(widget: Any) -> dict[str, dict[str, Any]]:
    """Text/Markdown components with an id: the targets of widget.streaming_text.value_delta."""
    found: dict[str, dict[str, Any]] = {}
    stack = [widget]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if node.get("type") in ("Text", "Markdown") and isinstance(node.get("id"), str):
                found[node["id"]] = node
            stack.extend(_children(node))
    return found


def replace_by_id(widget: Any, component_id: Any, new: Any) -> bool:
    """Swap the component with that id for `new` in place (widget.component.updated)."""
    stack = [widget]
    while stack:
        for container, key, child in _child_slots(stack.pop()):
            if isinstance(child, dict) and child.get("id") == component_id:
                container[key] = new
                return True
            stack.append(child)
    return False


def widget_actions(widget: Any) -> list[tuple[str, dict[str, Any]]]:
    """(component type, ActionConfig) for every action in a widget tree (spec 10.1)."""
    found = []
    stack = [widget]
    while stack:
        node = stack.pop(0)
        if not isinstance(node, dict):
            continue
        configs = [node.get(k) for k in ("onClickAction", "onSubmitAction", "onChangeAction")]
        configs += [node[k].get("action") for k in ("confirm", "cancel") if isinstance(node.get(k), dict)]
        found += [(str(node.get("type")), c) for c in configs if isinstance(c, dict) and isinstance(c.get("type"), str)]
        stack.extend(_children(node))
    return found
