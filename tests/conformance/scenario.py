#!/usr/bin/env python3
"""Drive a live ChatKit server through one conversation and check every answer.

Usage:
    scenario.py URL [--header 'Name: value']... [--session URL]
                [--timeout S] [--stream-timeout S]
                [--no-custom-action] [--no-sync-action] [--no-attachments] [-v]

Every JSON answer and SSE event is validated with chatkit_models (the reference
SDK's pydantic models, strict, no unknown or omitted keys, widget catalogue),
and the cross-request rules of the protocol are checked: stream order and item
lifecycle, deltas rebuilding the final items, what was streamed is what is
stored, pagination, titles, actions, retry, deletion, and clean 4xx answers to
bad input. HTTP and SSE are handled with the standard library only, so framing
faults are seen exactly as sent.

Output: one line per check, `PASS name` or `FAIL name: detail`, then
`N passed, M failed`. Exit status 1 when anything failed, 2 on usage errors.
A check that cannot be exercised is a FAIL that says why, unless a --no-...
flag declares the feature absent (the flag is then verified, not skipped).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
try:
    import chatkit_models as cm
except ImportError as exc:  # pragma: no cover - environment problem
    print(f"cannot import the ChatKit SDK models ({exc}); install requirements.txt first", file=sys.stderr)
    sys.exit(2)
from http_sse import Client, Reply, parse_sse, short
from stream_rules import StreamOutcome, StreamReplay, widget_actions

STREAMING_TYPES = {
    "threads.create",
    "threads.add_user_message",
    "threads.add_client_tool_output",
    "threads.add_structured_input",
    "threads.retry_after_item",
    "threads.custom_action",
}

# ---------------------------------------------------------------------------
# Reporting
# ---------------------------------------------------------------------------


class Tally:
    """Prints one line per check and counts them."""

    def __init__(self, verbose: bool) -> None:
        self.verbose = verbose
        self.passed = 0
        self.failed = 0

    def record(self, name: str, problems: list[str], detail: str = "") -> bool:
        """PASS when `problems` is empty, otherwise FAIL with the first few problems."""
        if problems:
            self.failed += 1
            shown = "; ".join(problems[:5]) + (f"; (+{len(problems) - 5} more)" if len(problems) > 5 else "")
            print(f"FAIL {name}: {' '.join(shown.split())[:1500]}", flush=True)
            return False
        self.passed += 1
        print(f"PASS {name}" + (f"  [{detail}]" if detail and self.verbose else ""), flush=True)
        return True

    def fail(self, name: str, why: str) -> bool:
        return self.record(name, [why])

    def note(self, text: str) -> None:
        if self.verbose:
            print(f"  # {text}", flush=True)


# ---------------------------------------------------------------------------
# The scenario
# ---------------------------------------------------------------------------


def instant(dt: datetime) -> datetime:
    """Naive timestamps (the SDK's style) are read as UTC: a server is only compared with itself."""
    return dt.replace(tzinfo=timezone.utc) if dt.tzinfo is None else dt


def user_input(*content: dict[str, Any], quoted: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"content": list(content), "attachments": [], "inference_options": {}}
    if quoted is not None:
        body["quoted_text"] = quoted
    return body


def text_part(text: str) -> dict[str, Any]:
    return {"type": "input_text", "text": text}


@dataclass
class Walk:
    """A cursor walk over a paginated listing."""

    items: list[Any] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    complete: bool = False  # reached has_more=false
    failed: bool = False  # a page could not be fetched or validated


class Scenario:
    def __init__(self, client: Client, tally: Tally, args: argparse.Namespace) -> None:
        self.client = client
        self.t = tally
        self.args = args
        self.run_id = uuid.uuid4().hex[:8]
        self.threads: list[str] = []  # created by this run, oldest first
        self.expected: dict[str, dict[str, Any]] = {}  # thread -> item id -> validated item, stream order
        self.titles: dict[str, str | None] = {}
        self.created_at: dict[str, datetime] = {}
        self.listing: dict[str, list[Any]] = {}  # thread -> last full asc items listing

    # -- plumbing -------------------------------------------------------------

    def step(self, name: str, fn: Callable[..., Any], *args: Any) -> Any:
        """Run one step; a harness exception (odd server data) becomes a FAIL, and the run goes on."""
        try:
            return fn(*args)
        except BrokenPipeError:
            raise  # our own output is gone (e.g. piped into head): stop
        except Exception as exc:  # noqa: BLE001
            self.t.fail(f"{name}.harness", f"could not evaluate this step: {type(exc).__name__}: {exc}")
            return None

    def main_thread(self, step: str) -> str | None:
        if not self.threads:
            self.t.fail(step, "no thread to work with (threads.create failed)")
            return None
        return self.threads[0]

    def json_call(self, name: str, request: dict[str, Any], kind: str | None) -> tuple[Any, Any] | None:
        """A non-streaming request: `name.http` (200 JSON) and, with a kind, `name.model`.

        Returns (raw JSON, validated model or None) when the answer is usable.
        """
        reply = self.client.send(request)
        problems = []
        raw: Any = None
        if reply.error:
            problems.append(f"HTTP {reply.status}: {reply.error}")
        elif reply.status != 200 or reply.mime != "application/json":
            problems.append(
                f"expected 200 application/json, got {reply.status} {reply.content_type!r}: {reply.excerpt()}"
            )
        else:
            try:
                raw = json.loads(reply.body)
            except ValueError as exc:
                problems.append(f"body is not JSON ({exc}): {reply.excerpt()}")
        if not self.t.record(f"{name}.http", problems, f"{reply.seconds * 1000:.0f} ms"):
            return None
        if kind is None:
            return raw, None
        found = cm.check_payload(kind, raw)
        self.t.record(f"{name}.model", found.problems() + found.widgets)
        return (raw, found.value) if found.value is not None else None

    def empty_answer(self, name: str, request: dict[str, Any]) -> bool:
        """Operations without a result answer exactly {} (spec 1.4)."""
        got = self.json_call(name, request, None)
        if got is None:
            return False
        return self.t.record(f"{name}.result", [] if got[0] == {} else [f"expected {{}}, got {short(got[0])}"])

    def stream(
        self,
        name: str,
        request: dict[str, Any],
        kind: str,
        thread_id: str | None = None,
        sent_input: dict[str, Any] | None = None,
    ) -> StreamOutcome | None:
        """A streaming request with all per-stream checks; returns what the stream established."""
        reply = self.client.send(request, stream=True)
        if reply.status != 200 or reply.mime != "text/event-stream":
            why = f"expected 200 text/event-stream, got {reply.status} {reply.content_type!r}: {reply.excerpt()}"
            self.t.fail(f"{name}.http", why + (f" ({reply.error})" if reply.error else ""))
            return None
        self.t.record(f"{name}.http", [], f"{reply.seconds * 1000:.0f} ms")
        sse = parse_sse(reply.body)
        ending = [f"the stream did not end cleanly: {reply.error}"] if reply.error else []
        self.t.record(f"{name}.sse", ending + sse.problems, f"{len(sse.events)} events")
        models, shape = [], []
        for i, event in enumerate(sse.events):
            found = cm.check_payload("event", event)
            models.append(found.value)
            shape += [f"event {i} ({event.get('type')}): {p}" for p in found.problems() + found.widgets]
        self.t.record(f"{name}.model", shape)
        known = set(self.expected.get(thread_id or "", {}))
        replay = StreamReplay(kind, thread_id, sent_input, known)
        out = replay.run(sse.events, models)
        self.t.note("events: " + " ".join(out.event_types))
        self.t.record(f"{name}.order", replay.order)
        self.t.record(f"{name}.lifecycle", replay.lifecycle)
        self.t.record(f"{name}.deltas", replay.deltas)
        self.t.record(f"{name}.no_error_events", [f"error event {e}" for e in out.errors])
        return out

    def absorb(self, tid: str, out: StreamOutcome) -> None:
        """What a stream did is what the store must now hold (spec 6.3)."""
        expected = self.expected.setdefault(tid, {})
        for iid in out.removed:
            expected.pop(iid, None)
        expected.update(out.items)
        if out.titles:
            self.titles[tid] = out.titles[-1]

    def expect_error(self, name: str, reply: Reply, status: int) -> bool:
        """A refused request: the expected 4xx status with our JSON error body, in time."""
        if reply.status is None or (reply.error and reply.status < 400):
            return self.t.fail(name, f"no clean answer: {reply.error}")
        problems = []
        if reply.status != status:
            server = " (a server error for a client mistake)" if reply.status >= 500 else ""
            problems.append(
                f"expected HTTP {status}, got {reply.status}{server} {reply.content_type!r}: {reply.excerpt()}"
            )
        if reply.error:
            problems.append(f"the error answer broke off: {reply.error}")
        elif reply.mime != "application/json":
            problems.append(f"error answer is {reply.content_type!r}, not application/json")
        elif reply.status >= 400:
            problems += cm.error_body_problems(reply.body)
        return self.t.record(name, problems)

    def walk(self, kind: str, params: dict[str, Any], limit: int, max_pages: int) -> Walk:
        """Follow `after` cursors (spec 8) and check each page's has_more / after bookkeeping."""
        request_type = "threads.list" if kind == "threads_page" else "items.list"
        walk = Walk()
        cursor: str | None = None
        seen_cursors: set[str] = set()
        previous_more = False
        for page_no in range(1, max_pages + 1):
            query = {**params, "limit": limit, **({"after": cursor} if cursor else {})}
            got = self._page(request_type, kind, query, page_no, walk)
            if got is None:
                walk.failed = True
                return walk
            raw, page = got
            if previous_more and not page.data:
                walk.problems.append(f"page {page_no - 1} said has_more=true but page {page_no} is empty")
            walk.problems += _page_problems(raw, page, limit, page_no)
            walk.items += page.data
            previous_more = page.has_more
            if not page.has_more or not page.after:
                walk.complete = not page.has_more
                break
            if page.after in seen_cursors:
                walk.problems.append(f"page {page_no}: cursor {page.after!r} repeats, the walk does not advance")
                break
            seen_cursors.add(page.after)
            cursor = page.after
        ids = [x.id for x in walk.items]
        if len(set(ids)) != len(ids):
            walk.problems.append("the walk returned duplicates: " + short([i for i in ids if ids.count(i) > 1]))
        return walk

    def _page(
        self, request_type: str, kind: str, query: dict[str, Any], page_no: int, walk: Walk
    ) -> tuple[Any, Any] | None:
        reply = self.client.send({"type": request_type, "params": query})
        if reply.error or reply.status != 200 or reply.mime != "application/json":
            why = reply.error or f"{reply.content_type!r} {reply.excerpt()}"
            walk.problems.append(f"page {page_no} ({short(query, 100)}): HTTP {reply.status} {why}")
            return None
        try:
            raw = json.loads(reply.body)
        except ValueError:
            walk.problems.append(f"page {page_no}: body is not JSON: {reply.excerpt()}")
            return None
        found = cm.check_payload(kind, raw)
        walk.problems += [f"page {page_no}: {p}" for p in found.problems() + found.widgets]
        return (raw, found.value) if found.value is not None else None

    # -- steps ----------------------------------------------------------------

    def create(self, name: str, text: str) -> None:
        sent = user_input(text_part(text))
        out = self.stream(name, {"type": "threads.create", "params": {"input": sent}}, "create", sent_input=sent)
        if out is None or out.thread is None:
            self.t.fail(f"{name}.thread", "no valid thread.created, so later steps have no thread")
            return
        thread = out.thread
        problems = []
        if thread.items.data or thread.items.has_more:
            problems.append("thread.created must carry an empty items page")
        self.t.record(f"{name}.thread", problems, thread.id)
        self.threads.append(thread.id)
        self.created_at[thread.id] = instant(thread.created_at)
        self.titles[thread.id] = thread.title
        self.absorb(thread.id, out)

    def threads_list(self) -> None:
        if len(self.threads) < 2:
            self.t.fail("threads_list", "needs the two threads of this run; threads.create failed")
            return
        older, newer = self.threads[0], self.threads[1]
        desc = self.walk("threads_page", {"order": "desc"}, 100, 20)
        ids = [th.id for th in desc.items]
        problems = list(desc.problems)
        problems += [
            f"{b.id} listed after {a.id} but created later"
            for a, b in zip(desc.items, desc.items[1:])
            if instant(b.created_at) > instant(a.created_at)
        ][:3]
        if older not in ids or newer not in ids:
            problems.append(f"this run's threads {older}, {newer} are not both listed")
        elif ids.index(newer) > ids.index(older):
            problems.append(f"the newer thread {newer} is listed after the older {older}")
        problems += self._title_problems(desc.items)
        self.t.record("threads_list.desc", problems, f"{len(ids)} threads")

        asc = self.walk("threads_page", {"order": "asc"}, 100, 20)
        problems = list(asc.problems)
        if [th.id for th in asc.items] != ids[::-1]:
            problems.append("order=asc is not the exact reverse of order=desc")
        self.t.record("threads_list.asc", problems)

        # a long listing is compared on its first 30 pages only, which still crosses many cursors
        pages = len(ids) + 1 if len(ids) < 30 else 30  # +1: a has_more=true on the last page shows up
        paged = self.walk("threads_page", {"order": "desc"}, 1, pages)
        problems = list(paged.problems)
        want = ids if len(ids) < 30 else ids[:30]
        if [th.id for th in paged.items] != want:
            problems.append(
                f"a limit=1 cursor walk gives {short([t.id for t in paged.items])}, the listing is {short(want)}"
            )
        self.t.record("threads_list.paged", problems)
        self.threads_has_more(ids)

    def _title_problems(self, threads: list[Any]) -> list[str]:
        return [
            f"thread {th.id} has title {th.title!r}, expected {self.titles[th.id]!r}"
            for th in threads
            if th.id in self.titles and th.title != self.titles[th.id]
        ]

    def threads_has_more(self, ids: list[str]) -> None:
        """has_more is exact at the end of the listing, however many threads the server holds."""
        if len(ids) < 2:
            self.t.fail("threads_list.has_more", "needs at least 2 listed threads")
            return
        problems = []
        base = {"order": "desc", **({"after": ids[-3]} if len(ids) >= 3 else {})}
        for limit, want, more in ((2, ids[-2:], False), (1, ids[-2:-1], True)):
            got = self.json_call(
                f"threads_list.has_more_limit{limit}",
                {"type": "threads.list", "params": {**base, "limit": limit}},
                "threads_page",
            )
            if got is None:
                continue
            page = got[1]
            if [th.id for th in page.data] != want or not exact_end(page, want, more):
                problems.append(
                    f"limit={limit} after {base.get('after')}: got {[th.id for th in page.data]} "
                    f"has_more={page.has_more} after={page.after!r}, expected {want} has_more={more}"
                )
        self.t.record("threads_list.has_more", problems)

    def items(self, label: str) -> None:
        """Listing, ordering, pagination, has_more, stream-vs-store, and get_by_id, for the main thread."""
        tid = self.main_thread(label)
        if tid is None:
            return
        self.listing.pop(tid, None)  # never let a later step use a stale listing
        asc = self.walk("items_page", {"thread_id": tid, "order": "asc"}, 100, 10)
        problems = list(asc.problems)
        problems += [
            f"{b.id} listed after {a.id} but created earlier"
            for a, b in zip(asc.items, asc.items[1:])
            if instant(b.created_at) < instant(a.created_at)
        ][:3]
        self.t.record(f"{label}.asc", problems, f"{len(asc.items)} items")
        if asc.failed:
            self.t.fail(
                f"{label}.rest",
                "desc, paged walks, has_more, stream_vs_store and get_by_id not checked: no valid listing",
            )
            return
        ids = [i.id for i in asc.items]
        self.listing[tid] = asc.items
        desc = self.walk("items_page", {"thread_id": tid, "order": "desc"}, 100, 10)
        mismatch = (
            [] if [i.id for i in desc.items] == ids[::-1] else ["order=desc is not the exact reverse of order=asc"]
        )
        self.t.record(f"{label}.desc", desc.problems + mismatch)
        for order, reference in (("asc", ids), ("desc", ids[::-1])):
            paged = self.walk("items_page", {"thread_id": tid, "order": order}, 2, len(ids) + 2)
            mismatch = (
                []
                if [i.id for i in paged.items] == reference
                else [f"limit=2 walk gives {short([i.id for i in paged.items])}, the listing is {short(reference)}"]
            )
            self.t.record(f"{label}.paged_{order}", paged.problems + mismatch)
        self.items_has_more(label, tid, ids)
        self.stream_vs_store(label, tid, asc.items)
        self.get_by_id(f"{label}.get_by_id", tid, asc.items)

    def items_has_more(self, label: str, tid: str, ids: list[str]) -> None:
        """limit = n-1 must say has_more=true with a cursor, limit = n must return everything."""
        n = len(ids)
        if n < 2:
            self.t.fail(f"{label}.has_more", f"needs at least 2 items, the thread has {n}")
            return
        problems = []
        for limit, more in ((n - 1, True), (n, False)):
            request = {"type": "items.list", "params": {"thread_id": tid, "order": "asc", "limit": limit}}
            got = self.json_call(f"{label}.has_more_{'n-1' if more else 'n'}", request, "items_page")
            if got is None:
                continue
            page = got[1]
            want = ids[:limit]
            if [i.id for i in page.data] != want or not exact_end(page, want, more):
                problems.append(
                    f"limit={limit} of {n}: got {len(page.data)} item(s) has_more={page.has_more} "
                    f"after={page.after!r}, expected {len(want)} has_more={more}"
                )
        self.t.record(f"{label}.has_more", problems)

    def stream_vs_store(self, label: str, tid: str, listed: list[Any]) -> None:
        """Every item a stream completed is stored with the same content, and nothing else is."""
        expected = self.expected.get(tid, {})
        stored = {i.id: i for i in listed}
        problems = []
        for iid, item in expected.items():
            if iid not in stored:
                problems.append(f"streamed {item.type} {iid} is not in items.list")
                continue
            a, b = cm.canonical_item(item), cm.canonical_item(stored[iid])
            if a != b:
                keys = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
                problems.append(f"{item.type} {iid} differs between stream and store in {keys}")
        extra = [f"{i.type} {i.id}" for i in listed if i.id not in expected]
        if extra:
            problems.append(f"items.list holds item(s) never streamed: {extra}")
        self.t.record(f"{label}.stream_vs_store", problems, f"{len(expected)} items")

    def get_by_id(self, name: str, tid: str, asc: list[Any]) -> None:
        got = self.json_call(name, {"type": "threads.get_by_id", "params": {"thread_id": tid}}, "thread")
        if got is None:
            return
        thread = got[1]
        ids = [i.id for i in asc]
        page = [i.id for i in thread.items.data]
        problems = []
        if thread.id != tid:
            problems.append(f"answered thread {thread.id!r}")
        if page != ids[: len(page)] or thread.items.has_more != (len(page) < len(ids)):
            problems.append(
                f"items {short(page)} has_more={thread.items.has_more} is not the first asc page of {short(ids)}"
            )
        if thread.title != self.titles.get(tid):
            problems.append(f"title {thread.title!r}, expected {self.titles.get(tid)!r}")
        if instant(thread.created_at) != self.created_at.get(tid):
            problems.append(f"created_at {thread.created_at} differs from thread.created")
        self.t.record(f"{name}.content", problems)

    def update(self) -> None:
        tid = self.main_thread("update")
        if tid is None:
            return
        title = f"Conformance run {self.run_id}"
        got = self.json_call(
            "update", {"type": "threads.update", "params": {"thread_id": tid, "title": title}}, "thread"
        )
        if got is None:
            return
        thread = got[1]
        problems = (
            [] if thread.id == tid and thread.title == title else [f"answered {thread.id!r} titled {thread.title!r}"]
        )
        if thread.items.data:
            problems.append("the threads.update answer must carry an empty items page")
        self.t.record("update.result", problems)
        self.titles[tid] = title
        after = self.json_call(
            "update.get_by_id", {"type": "threads.get_by_id", "params": {"thread_id": tid}}, "thread"
        )
        if after is not None:
            self.t.record("update.persisted", [] if after[1].title == title else [f"get_by_id says {after[1].title!r}"])

    def add_message(self) -> None:
        tid = self.main_thread("add_message")
        if tid is None:
            return
        tag = {
            "type": "input_tag",
            "id": "conformance_tag",
            "text": "Conformance",
            "data": {"run": self.run_id},
            "interactive": False,
        }
        sent = user_input(text_part("A second message, with a tag: "), tag, quoted="a quoted sentence")
        request = {"type": "threads.add_user_message", "params": {"thread_id": tid, "input": sent}}
        out = self.stream("add_message", request, "add", tid, sent)
        if out is not None:
            self.absorb(tid, out)

    def actions(self, tid: str, streaming: bool) -> list[tuple[str, dict[str, Any], str]]:
        """Server-handled actions on the thread's current widgets, newest widget and Buttons first."""
        found = []
        for iid, item in reversed(list(self.expected.get(tid, {}).items())):
            if item.type != "widget":
                continue
            widget = cm.ITEM_ADAPTER.dump_python(item, mode="json", exclude_none=True)["widget"]
            for component, config in sorted(widget_actions(widget), key=lambda a: a[0] != "Button"):
                server_side = config.get("handler", "server") != "client"
                if server_side and (config.get("streaming", True) is not False) == streaming:
                    found.append((iid, config, component))
        return found

    def declared_absent(self, name: str, flag: str, found: list[Any]) -> None:
        """A --no-... flag is a claim about the server; verify it instead of skipping."""
        problems = []
        if found:
            item_id, config, component = found[0]
            problems.append(f"{flag} given, but {component} on {item_id} has action {config['type']!r}")
        self.t.record(name, problems)

    def custom_action(self) -> None:
        tid = self.main_thread("custom_action")
        if tid is None:
            return
        found = self.actions(tid, streaming=True)
        if self.args.no_custom_action:
            self.declared_absent("custom_action.absent", "--no-custom-action", found)
            return
        if not found:
            self.t.fail(
                "custom_action.found",
                "no valid streamed widget has a server-handled streaming action "
                "(pass --no-custom-action if the server has none)",
            )
            return
        item_id, config, component = found[0]
        self.t.record("custom_action.found", [], f"{config['type']} on {component} of {item_id}")
        action = {"type": config["type"], **({"payload": config["payload"]} if "payload" in config else {})}
        request = {"type": "threads.custom_action", "params": {"thread_id": tid, "item_id": item_id, "action": action}}
        out = self.stream("custom_action", request, "action", tid)
        if out is None:
            return
        answered = [t for t in out.event_types if t != "stream_options"]
        self.t.record(
            "custom_action.answer", [] if answered else ["the action stream carried nothing but stream_options"]
        )
        self.absorb(tid, out)

    def sync_action(self) -> None:
        tid = self.main_thread("sync_action")
        if tid is None:
            return
        found = self.actions(tid, streaming=False)
        if self.args.no_sync_action:
            self.declared_absent("sync_action.absent", "--no-sync-action", found)
            return
        if not found:
            self.t.fail(
                "sync_action.found",
                "no valid streamed widget has a server-handled action with streaming: false "
                "(pass --no-sync-action if the server has none)",
            )
            return
        item_id, config, component = found[0]
        action = {"type": config["type"], **({"payload": config["payload"]} if "payload" in config else {})}
        request = {
            "type": "threads.sync_custom_action",
            "params": {"thread_id": tid, "item_id": item_id, "action": action},
        }
        got = self.json_call("sync_action", request, "sync_action")
        if got is None:
            return
        updated = got[1].updated_item
        problems = []
        if updated is not None:
            if updated.id != item_id or updated.thread_id != tid:
                problems.append(
                    f"updated_item is {updated.id} of {updated.thread_id}, expected the sender {item_id} of {tid}"
                )
            else:
                self.expected[tid][item_id] = updated  # the store must hold it now (spec 10.3)
        self.t.record(
            "sync_action.result", problems, f"{config['type']} -> {'no change' if updated is None else updated.id}"
        )

    def feedback(self) -> None:
        tid = self.main_thread("feedback")
        if tid is None:
            return
        answers = [iid for iid, item in self.expected.get(tid, {}).items() if item.type != "user_message"]
        if not answers:
            self.t.fail("feedback", "no assistant-side item to rate")
            return
        for kind, ids in (("positive", answers[:1]), ("negative", answers[-2:])):
            self.empty_answer(
                f"feedback_{kind}",
                {"type": "items.feedback", "params": {"thread_id": tid, "item_ids": ids, "kind": kind}},
            )

    def retry(self) -> None:
        tid = self.main_thread("retry")
        if tid is None:
            return
        before = self.listing.get(tid)
        users = [i for i in before or [] if i.type == "user_message"]
        if not users:
            self.t.fail("retry", "no listed user message to retry after")
            return
        target = users[-1]
        position = [i.id for i in before].index(target.id)
        doomed = [i.id for i in before[position + 1 :]]
        request = {"type": "threads.retry_after_item", "params": {"thread_id": tid, "item_id": target.id}}
        out = self.stream("retry", request, "retry", tid)
        if out is None:
            return
        for iid in doomed:
            self.expected[tid].pop(iid, None)
        self.absorb(tid, out)
        after = self.walk("items_page", {"thread_id": tid, "order": "asc"}, 100, 10)
        ids = [i.id for i in after.items]
        problems = list(after.problems)
        if ids[: position + 1] != [i.id for i in before[: position + 1]]:
            problems.append("the items up to the retried user message changed")
        survivors = [d for d in doomed if d in ids and d not in out.items]
        if survivors:
            problems.append(f"item(s) after the retried message survived: {survivors}")
        missing = [i for i in out.items if i not in ids]
        if missing:
            problems.append(f"the new answer is not stored: {missing}")
        self.t.record("retry.store", problems, f"{len(doomed)} old item(s) replaced by {len(out.items)}")

    def attachments(self) -> None:
        request = {
            "type": "attachments.create",
            "params": {"name": "conformance.txt", "size": 12, "mime_type": "text/plain"},
        }
        if self.args.no_attachments:
            self.expect_error("attachments.absent", self.client.send(request), 501)
            return
        got = self.json_call("attachments.create", request, "attachment")
        if got is None:
            return
        attachment = got[1]
        problems = []
        if (attachment.name, attachment.mime_type, attachment.type) != ("conformance.txt", "text/plain", "file"):
            problems.append(
                f"answered {attachment.type} {attachment.name!r} ({attachment.mime_type}), not the file just described"
            )
        if attachment.upload_descriptor is None:
            problems.append("no upload_descriptor for the two-phase upload")
        self.t.record("attachments.create.result", problems, attachment.id)
        self.empty_answer(
            "attachments.delete", {"type": "attachments.delete", "params": {"attachment_id": attachment.id}}
        )

    def bad_input(self) -> None:
        """Client mistakes get our 4xx JSON error (spec 1.6, 12.3) in time: never a 5xx, a cut stream or a hang."""
        self.probe("malformed_json", b'{"type": "threads.list", "params": {', 400)
        self.probe("empty_body", b"", 400)
        self.probe("json_array", b'["threads.list"]', 400)
        self.probe("unknown_type", {"type": "threads.frobnicate", "params": {}}, 400)
        self.probe("missing_params", {"type": "threads.get_by_id"}, 400)
        self.probe("mistyped_param", {"type": "items.list", "params": {"thread_id": 12345}}, 400)
        ghost = f"thr_conformance_missing_{self.run_id}"
        unknown_thread = {
            "get": ("threads.get_by_id", {}),
            "update": ("threads.update", {"title": "x"}),
            "items": ("items.list", {}),
            "delete": ("threads.delete", {}),
            "add_message": ("threads.add_user_message", {"input": user_input(text_part("x"))}),
            "custom_action": ("threads.custom_action", {"action": {"type": "x", "payload": {}}}),
        }
        for name, (kind, params) in unknown_thread.items():
            self.probe(f"unknown_thread_{name}", {"type": kind, "params": {"thread_id": ghost, **params}}, 404)
        tid = self.main_thread("bad_input.unknown_cursor")
        if tid:
            missing = f"msg_conformance_missing_{self.run_id}"
            self.probe("unknown_cursor", {"type": "items.list", "params": {"thread_id": tid, "after": missing}}, 400)
            retry = {"type": "threads.retry_after_item", "params": {"thread_id": tid, "item_id": missing}}
            self.probe("retry_unknown_item", retry, 404)
        self.json_call("bad_input.still_alive", {"type": "threads.list", "params": {"limit": 1}}, "threads_page")

    def probe(self, name: str, body: bytes | dict[str, Any], status: int) -> None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        stream = isinstance(body, dict) and body.get("type") in STREAMING_TYPES
        self.expect_error(f"bad_input.{name}", self.client.post(data, stream), status)

    def delete(self) -> None:
        if not self.threads:
            self.t.fail("delete", "no thread to delete (threads.create failed)")
            return
        for n, tid in enumerate(self.threads):
            name = "delete" if n == 0 else "delete_second"
            self.empty_answer(name, {"type": "threads.delete", "params": {"thread_id": tid}})
            self.expect_error(
                f"{name}.get_by_id_404",
                self.client.send({"type": "threads.get_by_id", "params": {"thread_id": tid}}),
                404,
            )
            self.expect_error(
                f"{name}.items_404", self.client.send({"type": "items.list", "params": {"thread_id": tid}}), 404
            )
        listed = self.walk("threads_page", {"order": "desc"}, 100, 20)
        still = [th.id for th in listed.items if th.id in self.threads]
        self.t.record(
            "delete.unlisted", listed.problems + ([f"deleted thread(s) still listed: {still}"] if still else [])
        )

    def run(self) -> None:
        self.step("create", self.create, "create", f"Hello from the conformance scenario ({self.run_id}).")
        self.step("create_second", self.create, "create_second", "A second thread, for the thread list checks.")
        self.step("threads_list", self.threads_list)
        self.step("items", self.items, "items")
        self.step("update", self.update)
        self.step("add_message", self.add_message)
        self.step("custom_action", self.custom_action)
        self.step("sync_action", self.sync_action)
        self.step("feedback", self.feedback)
        self.step("items_after_actions", self.items, "items_after_actions")
        self.step("retry", self.retry)
        self.step("items_after_retry", self.items, "items_after_retry")
        self.step("attachments", self.attachments)
        self.step("bad_input", self.bad_input)
        self.step("delete", self.delete)


def exact_end(page: Any, want: list[str], more: bool) -> bool:
    """has_more says exactly whether more follows, and `after` is then the page's last id (spec 8)."""
    return page.has_more == more and page.after == (want[-1] if more and want else None)


def _page_problems(raw: dict[str, Any], page: Any, limit: int, page_no: int) -> list[str]:
    """has_more / after bookkeeping of one page (spec 8)."""
    problems = []
    if len(page.data) > limit:
        problems.append(f"page {page_no}: {len(page.data)} entries for limit={limit}")
    if page.has_more:
        last = page.data[-1].id if page.data else None
        if page.after != last:
            problems.append(f"page {page_no}: has_more=true with after={page.after!r}, expected the last id {last!r}")
    elif "after" in raw:
        problems.append(f"page {page_no}: 'after' sent although has_more=false")
    return problems


# ---------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------


def parse_headers(values: list[str]) -> dict[str, str]:
    headers = {}
    for value in values:
        name, sep, rest = value.partition(":")
        if not sep or not name.strip():
            raise ValueError(f"bad --header {value!r}, expected 'Name: value'")
        headers[name.strip()] = rest.strip()
    return headers


def session_token(url: str, headers: dict[str, str], timeout: float) -> str:
    """Mint a client secret at our server's POST /api/chatkit/session (a fresh guest user)."""
    reply = Client(url, headers, timeout, timeout).post(b"{}")
    if reply.error or reply.status != 200:
        raise ValueError(f"session endpoint answered {reply.status} {reply.error or reply.excerpt()}")
    token = json.loads(reply.body).get("client_secret")
    if not isinstance(token, str):
        raise ValueError(f"session answer has no client_secret: {reply.excerpt()}")
    return token


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="ChatKit conformance scenario against a live POST /chatkit endpoint.")
    ap.add_argument("url", help="the ChatKit endpoint, e.g. http://127.0.0.1:3000/chatkit")
    ap.add_argument(
        "--header", action="append", default=[], metavar="'Name: value'", help="extra request header (repeatable)"
    )
    ap.add_argument("--session", metavar="URL", help="POST this URL first and send its client_secret as a Bearer token")
    ap.add_argument(
        "--timeout", type=float, default=30.0, help="seconds for a JSON answer and for any single read (30)"
    )
    ap.add_argument("--stream-timeout", type=float, default=120.0, help="seconds for a whole SSE answer (120)")
    ap.add_argument(
        "--no-custom-action", action="store_true", help="the server streams no server-handled streaming action"
    )
    ap.add_argument("--no-sync-action", action="store_true", help="the server streams no action with streaming: false")
    ap.add_argument(
        "--no-attachments", action="store_true", help="attachments are disabled (expects 501 from attachments.create)"
    )
    ap.add_argument(
        "-v", "--verbose", action="store_true", help="details on PASS lines and the event sequence of each stream"
    )
    args = ap.parse_args(argv)
    tally = Tally(args.verbose)
    try:
        headers = parse_headers(args.header)
        if args.session:
            headers["Authorization"] = "Bearer " + session_token(args.session, headers, args.timeout)
        client = Client(args.url, headers, args.timeout, args.stream_timeout, cm.request_problems)
    except ValueError as exc:
        tally.fail("setup", str(exc))
        print(f"{tally.passed} passed, {tally.failed} failed")
        return 1
    try:
        Scenario(client, tally, args).run()
    except KeyboardInterrupt:
        print("interrupted")
        tally.failed += 1
    except BrokenPipeError:
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the interpreter's final flush
        return 1
    print(f"{tally.passed} passed, {tally.failed} failed", flush=True)
    return 1 if tally.failed else 0


if __name__ == "__main__":
    sys.exit(main())
