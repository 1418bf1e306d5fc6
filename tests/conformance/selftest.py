#!/usr/bin/env python3
"""Offline tests of the harness itself: each rule must catch a hand-made fault.

The live proof is a run against the reference server and its --break modes
(README.md); these tests pin the individual rules so that a refactoring of the
harness cannot quietly turn a check into a no-op. Run: python selftest.py
"""

from __future__ import annotations

import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import chatkit_models as cm  # noqa: E402
from http_sse import parse_sse  # noqa: E402
from stream_rules import StreamReplay  # noqa: E402

T = "2025-06-01T09:30:00.000000Z"


def item(kind: str, **fields: object) -> dict:
    return {"id": "msg_1", "thread_id": "thr_1", "created_at": T, "type": kind, **fields}


def text_item(text: str = "hi", **part: object) -> dict:
    return item("assistant_message", content=[{"type": "output_text", "text": text, "annotations": [], **part}])


def widget_item(*children: dict, root: str = "Card") -> dict:
    return item("widget", widget={"type": root, "children": list(children)})


def problems(kind: str, raw: object) -> list[str]:
    found = cm.check_payload(kind, raw)
    return found.problems() + found.widgets


class ModelViews(unittest.TestCase):
    def assert_flags(self, kind: str, raw: object, fragment: str) -> None:
        found = problems(kind, raw)
        self.assertTrue(any(fragment in p for p in found), f"expected {fragment!r} in {found}")

    def test_conformant_payloads_pass(self) -> None:
        self.assertEqual(problems("item", text_item()), [])
        thread = {
            "id": "thr_1",
            "created_at": T,
            "status": {"type": "active"},
            "items": {"data": [], "has_more": False},
        }
        self.assertEqual(problems("thread", thread), [])  # metadata may be left out

    def test_rejected_coerced_unknown_omitted_null(self) -> None:
        self.assert_flags("item", {**text_item(), "created_at": 1700000000}, "lax coercion")
        self.assert_flags("item", text_item(bogus=1), "unknown key content[0].bogus")
        self.assert_flags(
            "item", item("assistant_message", content=[{"type": "output_text", "text": "x"}]), "annotations"
        )
        self.assert_flags("items_page", {"data": []}, "omits always-sent key has_more")
        self.assert_flags("item", item("user_message", content=[], inference_options={}), "attachments")
        self.assert_flags("item", {**text_item(), "type": "nope"}, "rejected by the SDK model")
        user = item("user_message", content=[], attachments=[], inference_options={}, quoted_text=None)
        self.assert_flags("item", user, "null instead of an omitted key: quoted_text")

    def test_unknown_key_through_untagged_union(self) -> None:
        workflow = {"type": "custom", "tasks": [], "summary": {"duration": 3, "extra": 1}, "expanded": False}
        self.assert_flags("item", item("workflow", workflow=workflow), "workflow.summary.extra")

    def test_server_only_data(self) -> None:
        self.assert_flags(
            "items_page", {"data": [item("hidden_context_item", content="x")], "has_more": False}, "hidden"
        )
        attachment = {"id": "atc_1", "name": "a", "mime_type": "text/plain", "type": "file", "metadata": {}}
        self.assert_flags("attachment", attachment, "attachment metadata")

    def test_widget_catalogue(self) -> None:
        self.assert_flags("item", widget_item({"type": "Blink"}), "unknown component type")
        self.assert_flags("item", widget_item({"type": "Text", "value": "x", "colour": "red"}), "unknown prop")
        self.assert_flags("item", widget_item({"type": "Text", "value": "x", "maxLines": "2"}), "valid integer")
        self.assert_flags(
            "item", widget_item({"type": "ListViewItem", "children": []}), "only directly inside ListView"
        )
        self.assert_flags("item", widget_item({"type": "Card", "children": []}), "nested")
        button = {"type": "Button", "label": "b", "onClickAction": {"type": "a", "payload": [1]}}
        self.assert_flags("item", widget_item(button), "payload must be a JSON object")
        confirm = {"type": "Card", "children": [], "confirm": {"label": "x", "action": {"type": "a"}, "extra": 1}}
        self.assert_flags("item", item("widget", widget=confirm), "confirm.extra")
        table = {
            "type": "Table",
            "children": [{"type": "Table.Row", "children": [{"type": "Table.Cell", "colSpan": 2}]}],
        }
        self.assertEqual(problems("item", widget_item(table, {"type": "Text", "value": "x"})), [])
        self.assert_flags(
            "item", widget_item({"type": "Table", "children": [{"type": "Table.Cell"}]}), "Table.Cell only"
        )

    def test_error_body(self) -> None:
        self.assertEqual(cm.error_body_problems(b'{"error": {"code": "not_found", "message": "gone"}}'), [])
        self.assertTrue(cm.error_body_problems(b'{"detail": "Not Found"}'))


class Sse(unittest.TestCase):
    def test_framing_faults(self) -> None:
        self.assertEqual(parse_sse(b'data: {"a": 1}\n\n: ping\n\ndata: {"b": 2}\r\n\r\n').problems, [])
        cases = {
            b'event: x\ndata: {"a": 1}\n\n': "SSE field 'event'",
            b'data: {"a": 1}\n': "not terminated by a blank line",
            b'data: {"a": 1}\n\ndata: {"b"': "ends inside a line",
            b"data: [1]\n\n": "not a JSON object",
            b"": "no events",
        }
        for body, fragment in cases.items():
            found = parse_sse(body).problems
            self.assertTrue(any(fragment in p for p in found), f"{body!r}: {found}")


def replay(kind: str, events: list[dict], known: set[str] | None = None) -> StreamReplay:
    models = [cm.check_payload("event", e).value for e in events]
    sent = {"content": [{"type": "input_text", "text": "hi"}], "attachments": [], "inference_options": {}}
    stream = StreamReplay(kind, "thr_1", sent, known or set())
    stream.run(events, models)
    return stream


def updated(update: dict, item_id: str = "msg_1") -> dict:
    return {"type": "thread.item.updated", "item_id": item_id, "update": update}


def delta(text: str) -> dict:
    return updated({"type": "assistant_message.content_part.text_delta", "content_index": 0, "delta": text})


PART_ADDED = updated(
    {
        "type": "assistant_message.content_part.added",
        "content_index": 0,
        "content": {"type": "output_text", "text": "", "annotations": []},
    }
)
USER = {
    "type": "thread.item.done",
    "item": item(
        "user_message", id="msg_0", content=[{"type": "input_text", "text": "hi"}], attachments=[], inference_options={}
    ),
}


class StreamRules(unittest.TestCase):
    def test_a_good_stream_passes(self) -> None:
        added = {"type": "thread.item.added", "item": item("assistant_message", content=[])}
        done = {"type": "thread.item.done", "item": text_item("Hello")}
        stream = replay("add", [USER, added, PART_ADDED, delta("Hel"), delta("lo"), done])
        self.assertEqual((stream.order, stream.lifecycle, stream.deltas), ([], [], []))

    def test_deltas_must_rebuild_the_final_text(self) -> None:
        added = {"type": "thread.item.added", "item": item("assistant_message", content=[])}
        stream = replay(
            "add", [USER, added, PART_ADDED, delta("Hel"), {"type": "thread.item.done", "item": text_item("Hello")}]
        )
        self.assertTrue(stream.deltas)

    def test_lifecycle_faults(self) -> None:
        added = {"type": "thread.item.added", "item": item("assistant_message", content=[])}
        stream = replay(
            "add",
            [
                USER,
                added,
                delta("x"),
                updated({"type": "widget.root.updated", "widget": {"type": "Card", "children": []}}),
            ],
        )
        self.assertTrue(any("never done" in p for p in stream.lifecycle))
        self.assertTrue(any("applied to a assistant_message" in p for p in stream.lifecycle))
        self.assertTrue(any("before its content_part.added" in p for p in stream.deltas))
        self.assertTrue(replay("action", [delta("x")]).lifecycle)  # not pending in this stream

    def test_order_faults(self) -> None:
        answer = {"type": "thread.item.done", "item": text_item()}
        self.assertTrue(any("first event" in p for p in replay("create", [USER, answer]).order))
        self.assertTrue(any("exactly one user_message" in p for p in replay("add", [answer]).order))
        other = {**USER, "item": {**USER["item"], "content": [{"type": "input_text", "text": "other"}]}}
        self.assertTrue(any("is not the input" in p for p in replay("add", [other, answer]).order))
        self.assertTrue(any("user message" in p for p in replay("retry", [USER, answer]).order))


if __name__ == "__main__":
    # warnings=False keeps chatkit_models' filter for the SDK's widget deprecation notices
    unittest.main(verbosity=1, warnings=False)
