"""Starts moto's server with two thread-safety fixes to its SQS model.

moto's server runs each request in its own thread, but its SQS queue keeps
in-flight messages in a plain set with no lock. Under concurrent receive and
delete/visibility calls on one queue this breaks in two ways (reproduced with
moto 5.2.5 on this project's machine):

1. ``RuntimeError: Set changed size during iteration`` from
   ``Queue.pending_message_groups`` (a receive iterates the set while another
   request thread adds or removes a message), answered as HTTP 500;
2. the same message handed to two concurrent receivers within its visibility
   timeout.

A benchmark needs neither, so the substrate fixes them here rather than slowing
the variants down: the in-flight set iterates over an atomic snapshot, and
receives on one queue are serialised (sends, deletes and other queues are not).
The patch is applied only to the pinned moto version; any other version fails
loudly so the patch is re-checked instead of silently not applying.
"""
import sys
import threading

import moto
from moto.sqs import models as sqs_models

EXPECTED = sys.argv.pop(1) if len(sys.argv) > 1 and sys.argv[1].startswith("--expect-moto=") else None
if EXPECTED is not None and moto.__version__ != EXPECTED.split("=", 1)[1]:
    sys.exit(f"sagabench moto launcher: patched for moto {EXPECTED.split('=', 1)[1]}, found {moto.__version__}")


class _SnapshotSet(set):
    """A set whose iteration walks a copy; set.copy runs under the GIL in one step."""

    def __iter__(self):
        return iter(set.copy(self))

    def remove(self, item):
        # Two requests may both see a message as pending and both remove it.
        self.discard(item)


def _get_pending(self):
    return self.__dict__["_sagabench_pending"]


def _set_pending(self, value):
    self.__dict__["_sagabench_pending"] = _SnapshotSet(value)


if not hasattr(sqs_models.Queue, "pending_message_groups"):
    sys.exit("sagabench moto launcher: moto.sqs.models.Queue changed shape; re-check the patch")
sqs_models.Queue._pending_messages = property(_get_pending, _set_pending)

_locks_guard = threading.Lock()
_queue_locks: dict = {}
_original_receive = sqs_models.SQSBackend.receive_message


def _receive_message(self, queue_name, *args, **kwargs):
    key = (self.account_id, self.region_name, queue_name)
    with _locks_guard:
        lock = _queue_locks.setdefault(key, threading.Lock())
    with lock:
        return _original_receive(self, queue_name, *args, **kwargs)


sqs_models.SQSBackend.receive_message = _receive_message

from moto.server import main  # noqa: E402  (after the patch, on purpose)

if __name__ == "__main__":
    sys.exit(main())
