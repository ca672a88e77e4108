"""Starts moto's server with fixes for the races and gaps a benchmark hits.

moto's server runs each request in its own thread, but its SQS queue keeps
in-flight messages in a plain set with no lock. Under concurrent receive and
delete/visibility calls on one queue this breaks in two ways (reproduced with
moto 5.2.5 on this project's machine):

1. ``RuntimeError: Set changed size during iteration`` from
   ``Queue.pending_message_groups`` (a receive iterates the set while another
   request thread adds or removes a message), answered as HTTP 500;
2. the same message handed to two concurrent receivers within its visibility
   timeout.

Step Functions, under concurrent StartExecution and SendTaskSuccess/Failure:

3. ``AttributeError: 'NoneType' object has no attribute ...`` (HTTP 500) when a
   token lookup or ListExecutions walks an execution that StartExecution has
   listed but not yet started (seen on 65 of 222 SendTaskSuccess calls);
4. a Retry of a ``.waitForTaskToken`` task reuses the first attempt's token, so
   the retry picks up the previous attempt's answer at once (AWS issues a new
   token per attempt);
5. SendTaskFailure drops ``cause``.

DynamoDB: TransactWriteItems deep-copies every table it touches for its rollback
while other request threads write to it:

6. ``RuntimeError: dictionary changed size during iteration`` (HTTP 500) under
   concurrent transactions and puts, and a rollback that restores a snapshot
   taken before a concurrent writer's change, losing it;
7. that deep copy costs time in proportion to the tables' size, on every
   transaction, so a longer run gets slower per order.

A benchmark needs none of these, so the substrate fixes them here rather than
slowing the variants down: the in-flight set iterates over an atomic snapshot,
receives on one queue are serialised (sends, deletes and other queues are not),
executions that have not started are not yet visible to lookups, each callback
attempt gets a fresh token, ``cause`` is passed through, and DynamoDB's backend
runs one operation at a time (it is CPU-bound under the GIL anyway, so this costs
little throughput, and it makes a transaction atomic against other writers), and
a transaction's rollback is an undo log of the items it touched rather than a
copy of every table (7: the copy made each transaction O(table size)), and the
executions that end are pushed to whoever waits for them (8, below), a Query on
a table's own key reads that partition only (9, below), a client's HTTP
connection is kept open across calls instead of one TCP connection per call (10, below), a topic
does not keep every message published to it (11, below), and work moto redid on every request or
execution is done once (12-15, below: a definition's parse tree, clients, JSONPaths, lookups by
ARN, name and token, SQS's attribute walks, the dispatcher's host and action lookups), a full
garbage collection walks only what was made since the last one (16, below), and an SQS delete no
longer drops a message sent, or another deleted, meanwhile (17, below).
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

from moto.stepfunctions.parser import models as sfn_models  # noqa: E402
from moto.stepfunctions import responses as sfn_responses  # noqa: E402
from moto.core.responses import EmptyResult  # noqa: E402
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (  # noqa: E402
    state_task_service_callback as callback_models,
)

_original_get_executions = sfn_models.StepFunctionsParserBackend._get_executions


def _started(execution) -> bool:
    worker = getattr(execution, "exec_worker", None)
    return worker is not None and worker.env is not None and execution.exec_status is not None


def _get_started_executions(self, *args, **kwargs):
    return [e for e in _original_get_executions(self, *args, **kwargs) if _started(e)]


sfn_models.StepFunctionsParserBackend._get_executions = _get_started_executions

_Callback = callback_models.StateTaskServiceCallback
_original_eval_execution = _Callback._eval_execution


def _eval_execution_with_fresh_token(self, env):
    if self._is_integration_pattern() and callback_models.ResourceCondition.WaitForTaskToken in self._supported_integration_patterns:
        token = env.states.context_object.update_task_token()
        env.callback_pool_manager.add(token)
    return _original_eval_execution(self, env)


_Callback._eval_execution = _eval_execution_with_fresh_token


def _send_task_failure(self):
    self.stepfunction_backend.send_task_failure(
        self._get_param("taskToken"), error=self._get_param("error"), cause=self._get_param("cause")
    )
    return EmptyResult()


sfn_responses.StepFunctionResponse.send_task_failure = _send_task_failure

import collections  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402
from urllib.parse import parse_qs  # noqa: E402

from moto.stepfunctions.parser.backend import execution as sfn_execution  # noqa: E402
from moto.stepfunctions.parser.asl.utils.encoding import to_json_str as sfn_to_json_str  # noqa: E402
from moto.moto_server import werkzeug_app  # noqa: E402

# 8. Ended executions, pushed. A harness waiting for executions to end had to
# list every execution of the machine again and again (ListExecutions every
# 150 ms: O(executions) per call, on the process under test). Instead each
# execution that stops is appended to a log here, and GET
# /_sagabench/sfn/ended?after=<cursor>&wait=<s>[&stateMachineArn=...] answers as
# soon as one past the cursor exists (a long poll; moto serves each request in a
# thread of its own). AWS's counterpart is EventBridge's "Step Functions
# Execution Status Change" event. The log keeps the last _ENDED_KEEP entries; a
# cursor older than that is answered with "gap": true, and the reader lists.
# A succeeded execution's entry carries its output (as DescribeExecution gives
# it, and as the EventBridge event does), so a reader that wants the result
# needs no further call; only the newest _OUTPUT_KEEP entries keep it, which
# bounds the log's memory on a long run (an older reader describes instead).
_ENDED_KEEP = 100_000
_OUTPUT_KEEP = 10_000
_OUTPUT_MAX_CHARS = 16_384
_ended = collections.deque(maxlen=_ENDED_KEEP)
_with_output = collections.deque()
_ended_seq = 0
_ended_cond = threading.Condition()


def _millis(d):
    return None if d is None else int(d.timestamp() * 1000)


def _output_of(execution, status):
    if status != "SUCCEEDED" or execution.output is None:
        return None
    text = sfn_to_json_str(execution.output, separators=(",", ":"))
    return text if len(text) <= _OUTPUT_MAX_CHARS else None


def _record_ended(execution):
    global _ended_seq
    status = str(getattr(execution.exec_status, "value", execution.exec_status))
    output = _output_of(execution, status)
    with _ended_cond:
        _ended_seq += 1
        entry = {
            "seq": _ended_seq,
            "stateMachineArn": execution.state_machine_arn,
            "executionArn": execution.exec_arn,
            "name": execution.name,
            "status": status,
            "startDate": _millis(execution.start_date),
            "stopDate": _millis(execution.stop_date),
            "output": output,
        }
        _ended.append(entry)
        if output is not None:
            _with_output.append(entry)
            if len(_with_output) > _OUTPUT_KEEP:
                _with_output.popleft()["output"] = None
        _ended_cond.notify_all()


_Comm = sfn_execution.BaseExecutionWorkerCommunication
_original_terminated = _Comm.terminated


def _terminated(self):
    _original_terminated(self)
    _record_ended(self.execution)


_Comm.terminated = _terminated
_original_stop = sfn_execution.Execution.stop


def _stop(self, *args, **kwargs):
    result = _original_stop(self, *args, **kwargs)
    if self.stop_date is not None:
        _record_ended(self)
    return result


sfn_execution.Execution.stop = _stop


def _ended_since(after, arn):
    gap = bool(_ended) and _ended[0]["seq"] > after + 1
    # The log's seqs are consecutive, so the entries past the cursor are its last (_ended_seq - after):
    # read from the right, not the whole log (up to _ENDED_KEEP entries) on every poll.
    newer = itertools.islice(reversed(_ended), max(0, min(len(_ended), _ended_seq - after)))
    return [e for e in reversed(list(newer)) if arn is None or e["stateMachineArn"] == arn], gap


def _serve_ended(environ, start_response):
    q = parse_qs(environ.get("QUERY_STRING", ""))
    after = int(q.get("after", ["0"])[0])
    wait = min(20.0, max(0.0, float(q.get("wait", ["0"])[0])))
    arn = q.get("stateMachineArn", [None])[0]
    deadline = time.monotonic() + wait
    with _ended_cond:
        while True:
            ended, gap = _ended_since(after, arn)
            left = deadline - time.monotonic()
            if ended or gap or left <= 0:
                break
            _ended_cond.wait(left)
        # The cursor moves past everything seen, this machine's or not.
        cursor = _ended_seq
    body = json.dumps({"cursor": cursor, "gap": gap, "ended": ended}).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


_original_dispatch = werkzeug_app.DomainDispatcherApplication.__call__


def _dispatch(self, environ, start_response):
    if environ.get("PATH_INFO") == "/_sagabench/sfn/ended":
        return _serve_ended(environ, start_response)
    return _original_dispatch(self, environ, start_response)


werkzeug_app.DomainDispatcherApplication.__call__ = _dispatch

import functools  # noqa: E402
import inspect  # noqa: E402

from moto.dynamodb import models as ddb_models  # noqa: E402

_ddb_lock = threading.RLock()


def _serialised(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with _ddb_lock:
            return fn(*args, **kwargs)

    return wrapper


import copy as _copy  # noqa: E402
import types as _types  # noqa: E402

from moto.dynamodb.models.table import Table as _Table  # noqa: E402

# moto backs a transaction up by deep-copying every table it touches, so one
# two-item TransactWriteItems costs O(table size) (40 ms at 300 items, 149 ms at
# 2,100 on this machine) and a long run slows down as its tables grow. Under the
# lock above no other writer can interleave, so an undo log of the touched items
# restores exactly what the copy did: the table "copy" becomes the table itself
# (moto's own rollback then reassigns it to itself) and the log puts back each
# touched item, or removes it if it did not exist.
ddb_models.copy = _types.SimpleNamespace(
    deepcopy=lambda x, memo=None: x if isinstance(x, _Table) else _copy.deepcopy(x, memo),
)
_original_transact = ddb_models.DynamoDBBackend.transact_write_items


def _touched(backend, transact_items):
    log = []
    for entry in transact_items:
        try:
            op_type, op = next(iter(entry.items()))
            if op_type == "ConditionCheck":
                continue
            table = backend.tables[op["TableName"]]
            if op_type == "Put":
                key = {table.hash_key_attr: op["Item"][table.hash_key_attr]}
                if table.range_key_attr is not None:
                    key[table.range_key_attr] = op["Item"][table.range_key_attr]
            else:
                key = op["Key"]
            hash_value, range_value = backend.get_keys_value(table, key)
        except Exception:
            continue  # moto's own validation rejects this entry, before any write
        bucket = table.items.get(hash_value, {}) if range_value is not None else table.items
        old = bucket.get(range_value if range_value is not None else hash_value)
        log.append((table, hash_value, range_value, _copy.deepcopy(old)))
    return log


def _undo(log):
    for table, hash_value, range_value, old in reversed(log):
        if range_value is None:
            if old is None:
                table.items.pop(hash_value, None)
            else:
                table.items[hash_value] = old
        elif old is None:
            table.items.get(hash_value, {}).pop(range_value, None)
        else:
            table.items[hash_value][range_value] = old


def _transact_write_items(self, transact_items):
    log = _touched(self, transact_items)
    try:
        return _original_transact(self, transact_items)
    except Exception:
        _undo(log)
        raise


ddb_models.DynamoDBBackend.transact_write_items = _transact_write_items

# 9. moto answers a Query on the table's own key by listing (and sorting) every
# item of the table, then keeping those of the partition: O(table size) per
# query, and the choreography's event store is read by key on every hop. While a
# key query runs (under the lock above, so no other operation interleaves), the
# table's item listing is narrowed to that partition; moto then filters and
# sorts exactly as before.
_original_all_items = _Table.all_items
_original_query = _Table.query


def _all_items(self):
    key = self.__dict__.get("_sagabench_partition")
    if key is None:
        return _original_all_items(self)
    bucket = self.items.get(key)
    if bucket is None:
        return []
    items = list(bucket.values()) if self.range_key_attr else [bucket]
    return sorted(items, key=lambda x: (x.hash_key, x.range_key) if x.range_key else x.hash_key)


def _query(self, hash_key, *args, **kwargs):
    # index_name is query's eighth parameter; the backend passes it by position.
    index_name = kwargs.get("index_name", args[6] if len(args) > 6 else None)
    if index_name is not None or hash_key is None:
        return _original_query(self, hash_key, *args, **kwargs)
    self.__dict__["_sagabench_partition"] = hash_key
    try:
        return _original_query(self, hash_key, *args, **kwargs)
    finally:
        self.__dict__.pop("_sagabench_partition", None)


_Table.all_items = _all_items
_Table.query = _query

# An UpdateItem's expression was tokenised and parsed twice per call (once to validate the
# request, once to apply it). The parsed tree is only read or deep-copied before use (moto's
# validator copies it), so a string's tree is kept and reused.
from moto.dynamodb.parsing.expressions import UpdateExpressionParser as _UpdateExpressionParser  # noqa: E402

_update_trees = functools.lru_cache(maxsize=4096)(_UpdateExpressionParser.make.__func__)
_UpdateExpressionParser.make = classmethod(lambda cls, expression_str: _update_trees(cls, expression_str))

for _name, _fn in list(vars(ddb_models.DynamoDBBackend).items()):
    if inspect.isfunction(_fn) and not _name.startswith("_"):
        setattr(ddb_models.DynamoDBBackend, _name, _serialised(_fn))

import werkzeug.serving as _serving  # noqa: E402

# 10. Werkzeug answers every request with "Connection: close" (its drain of the
# request body after the response could otherwise eat the next request's line),
# so every SDK call opened a new TCP connection: on this machine 1.6 ms of the
# caller's CPU per call, in the harness and in every variant process alike, and a
# new server thread per call. Here a connection is kept open: the body is read to
# exactly its Content-Length after the app (nothing of the next request), and a
# chunked body still closes the connection as before.
class _Body:
    def __init__(self, rfile, length):
        self._rfile = rfile
        self.left = length

    def read(self, size=-1):
        if self.left <= 0:
            return b""
        data = self._rfile.read(self.left if size is None or size < 0 else min(size, self.left))
        self.left -= len(data)
        return data

    def readline(self, size=-1):
        if self.left <= 0:
            return b""
        data = self._rfile.readline(self.left if size is None or size < 0 else min(size, self.left))
        self.left -= len(data)
        return data

    def __iter__(self):
        while True:
            line = self.readline()
            if not line:
                return
            yield line


class _NoDrain:
    """The serving loop's "read whatever follows" drain, made a no-op: _Body has read the request exactly."""

    def register(self, *args, **kwargs):
        pass

    def select(self, timeout=None):
        return []

    def close(self):
        pass


_original_make_environ = _serving.WSGIRequestHandler.make_environ
_original_run_wsgi = _serving.WSGIRequestHandler.run_wsgi
_original_send_header = _serving.WSGIRequestHandler.send_header


def _make_environ(self):
    environ = _original_make_environ(self)
    self._sagabench_body = None
    if not environ.get("wsgi.input_terminated"):
        try:
            length = max(0, int(environ.get("CONTENT_LENGTH") or 0))
        except ValueError:
            length = None
        if length is not None:
            self._sagabench_body = environ["wsgi.input"] = _Body(self.rfile, length)
    return environ


def _run_wsgi(self):
    _original_run_wsgi(self)
    body = getattr(self, "_sagabench_body", None)
    if body is None:
        self.close_connection = True
    else:
        while body.read(65536):
            pass


def _send_header(self, keyword, value):
    if keyword.lower() == "connection" and value.lower() == "close" and getattr(self, "_sagabench_body", None) is not None:
        return
    _original_send_header(self, keyword, value)


# run_wsgi is the only user of the module's selectors.
_serving.selectors = _types.SimpleNamespace(DefaultSelector=_NoDrain, EVENT_READ=None)
_serving.WSGIRequestHandler.make_environ = _make_environ
# Headers and body go out as separate writes: on a kept connection Nagle's algorithm would hold
# the body until the client's delayed ACK (about 40 ms a call).
_serving.WSGIRequestHandler.disable_nagle_algorithm = True
_serving.WSGIRequestHandler.run_wsgi = _run_wsgi
_serving.WSGIRequestHandler.send_header = _send_header

# 11. moto keeps every message ever published to a topic (Topic.sent_notifications,
# for its in-process test API, which nothing here reads): a long choreography run
# grows the messaging process by every event it publishes. The launcher keeps
# only the last few.
from moto.sns import models as sns_models  # noqa: E402

_SENT_KEEP = 10
_original_topic_publish = sns_models.Topic.publish


def _topic_publish(self, *args, **kwargs):
    message_id = _original_topic_publish(self, *args, **kwargs)
    sent = self.sent_notifications
    # Trimmed in batches, so the cost per publish stays constant (each list op is atomic under the GIL).
    if len(sent) > 2 * _SENT_KEEP:
        del sent[: len(sent) - _SENT_KEEP]
    return message_id


sns_models.Topic.publish = _topic_publish

# 12. Each Step Functions execution re-did work that depends only on its definition or on
# constants: it parsed the definition with ANTLR's pure-Python parser and turned the tree into
# evaluation components (about half the Step Functions process's CPU in a 24-client run), built a
# new boto3 client for every SQS task it sent (a sixth), and built a new JSONPath parser (yacc
# tables included) for every path it evaluated. A definition's components are built once and
# shared by its executions: they are fixed once built (every per-execution value lives in the
# execution's environment; the one lazily set field, a component's key into that environment, is
# set here before sharing), so executions read them side by side. The clients and the parsed paths
# are cached too. Answers are unchanged: the same definition gives the same components, the
# client's settings never vary (moto's own function ignores the credentials), and a parsed path
# is only read when applied.
from moto.stepfunctions.parser.asl.parse import asl_parser as sfn_asl_parser  # noqa: E402
from moto.stepfunctions.parser.asl.component.component import Component as _SfnComponent  # noqa: E402
from moto.stepfunctions.parser.asl.component.eval_component import EvalComponent as _EvalComponent  # noqa: E402
from moto.stepfunctions.parser.backend import execution_worker as sfn_execution_worker  # noqa: E402
from moto.stepfunctions.parser.asl.utils import boto_client as sfn_boto_client  # noqa: E402
from moto.stepfunctions.parser.asl.utils import json_path as sfn_json_path  # noqa: E402
from moto.stepfunctions.parser.asl.component.common.path import result_path as sfn_result_path  # noqa: E402
import moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_sqs  # noqa: E402,F401
import moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_sns  # noqa: E402,F401
import moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_dynamodb  # noqa: E402,F401
import moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_events  # noqa: E402,F401
import moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_aws_sdk  # noqa: E402,F401

if not isinstance(getattr(_EvalComponent, "heap_key", None), property):
    sys.exit("sagabench moto launcher: moto's EvalComponent changed shape; re-check the patch")
_PROGRAMS_KEEP = 64
_programs: "collections.OrderedDict[str, object]" = collections.OrderedDict()
_programs_lock = threading.Lock()


def _set_heap_keys(program):
    """Sets every component's lazily made key now, so executions sharing the components never race to make two."""
    seen, stack = set(), [program]
    while stack:
        obj = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        if isinstance(obj, _EvalComponent):
            obj.heap_key  # noqa: B018  (the property sets the key on first read)
        if isinstance(obj, (list, tuple, set, frozenset)):
            stack.extend(obj)
        elif isinstance(obj, dict):
            stack.extend(obj.values())
        elif isinstance(obj, _SfnComponent):
            stack.extend(vars(obj).values())


def _program_for(definition):
    with _programs_lock:
        program = _programs.get(definition)
        if program is not None:
            _programs.move_to_end(definition)
            return program
    program = sfn_asl_parser.AmazonStateLanguageParser.parse(definition)[0]
    _set_heap_keys(program)
    with _programs_lock:
        _programs[definition] = program
        while len(_programs) > _PROGRAMS_KEEP:
            _programs.popitem(last=False)
    return program


def _execution_entrypoint(self):
    return _program_for(self._evaluation_details.state_machine_details.definition)


sfn_execution_worker.ExecutionWorker._get_evaluation_entrypoint = _execution_entrypoint

_original_boto_client_for = sfn_boto_client.boto_client_for
_boto_clients: dict = {}
_boto_clients_lock = threading.Lock()


def _boto_client_for(region, service, state_credentials=None):
    key = (region, service, sfn_boto_client.botocore_stubber.enabled, sfn_boto_client.moto_server_port())
    with _boto_clients_lock:
        client = _boto_clients.get(key)
        if client is None:
            client = _boto_clients[key] = _original_boto_client_for(region, service, state_credentials)
    return client


for _module in list(sys.modules.values()):
    if getattr(_module, "boto_client_for", None) is _original_boto_client_for:
        _module.boto_client_for = _boto_client_for

sfn_json_path.parse = functools.lru_cache(maxsize=4096)(sfn_json_path.parse)
sfn_result_path.parse = functools.lru_cache(maxsize=4096)(sfn_result_path.parse)

# 13. moto finds an execution by walking a list: DescribeExecution and GetExecutionHistory walk
# the machine's executions for the ARN, StartExecution walks them for a name already taken, and
# SendTaskSuccess/Failure/Heartbeat walk every execution of every machine asking each whether it
# issued the token. A run's executions only grow, so each of these cost O(executions so far). A
# machine's execution list here also indexes its executions by ARN and by name as they are
# appended (moto only ever appends to it), and each task token points at the execution that
# issued it. A lookup the indexes cannot answer (an unknown token, a name not taken, an ARN not
# found) falls through to moto's own walk, so every answer and every error stays moto's.
import weakref  # noqa: E402

from moto.stepfunctions import models as sfn_base_models  # noqa: E402
from moto.stepfunctions.parser.asl.eval.callback import callback as sfn_callback  # noqa: E402


class _Executions(list):
    def __init__(self, *args):
        super().__init__(*args)
        self.by_arn = {x.execution_arn: x for x in reversed(self)}
        self.by_name = {x.name: x for x in reversed(self)}

    def append(self, execution):
        super().append(execution)
        # setdefault: moto's walk returns the first match, so the first appended wins.
        self.by_arn.setdefault(execution.execution_arn, execution)
        self.by_name.setdefault(execution.name, execution)


_original_sm_init = sfn_base_models.StateMachineInstance.__init__


def _sm_init(self, *args, **kwargs):
    _original_sm_init(self, *args, **kwargs)
    self.executions = _Executions(self.executions)


sfn_base_models.StateMachineInstance.__init__ = _sm_init
_original_describe_execution = sfn_base_models.StepFunctionBackend.describe_execution


def _describe_execution(self, execution_arn):
    self._validate_execution_arn(execution_arn)
    executions = self._get_state_machine_for_execution(execution_arn).executions
    found = executions.by_arn.get(execution_arn) if isinstance(executions, _Executions) else None
    return found if found is not None else _original_describe_execution(self, execution_arn)


sfn_base_models.StepFunctionBackend.describe_execution = _describe_execution
_original_get_history = sfn_base_models.StepFunctionBackend.get_execution_history


def _get_execution_history(self, execution_arn):
    self._validate_execution_arn(execution_arn)
    state_machine = self._get_state_machine_for_execution(execution_arn)
    executions = state_machine.executions
    found = executions.by_arn.get(execution_arn) if isinstance(executions, _Executions) else None
    if found is None:
        return _original_get_history(self, execution_arn)
    return {"events": found.get_execution_history(state_machine.roleArn)}


sfn_base_models.StepFunctionBackend.get_execution_history = _get_execution_history
_original_idempotency = sfn_base_models.StateMachine._handle_name_input_idempotency


def _handle_name_input_idempotency(self, name, execution_input):
    if isinstance(self.executions, _Executions) and name not in self.executions.by_name:
        return None
    return _original_idempotency(self, name, execution_input)


sfn_base_models.StateMachine._handle_name_input_idempotency = _handle_name_input_idempotency

# Token -> the callback pool that issued it (weak: a reset drops the executions), and each
# execution's pool -> its execution, set when the execution's environment is built.
_token_pools: "weakref.WeakValueDictionary[str, object]" = weakref.WeakValueDictionary()
_Pool = sfn_callback.CallbackPoolManager
_original_pool_add = _Pool.add
_original_pool_add_activity = _Pool.add_activity_task


def _pool_add(self, callback_id):
    endpoint = _original_pool_add(self, callback_id)
    _token_pools[callback_id] = self
    return endpoint


def _pool_add_activity_task(self, callback_id, *args, **kwargs):
    endpoint = _original_pool_add_activity(self, callback_id, *args, **kwargs)
    _token_pools[callback_id] = self
    return endpoint


_Pool.add = _pool_add
_Pool.add_activity_task = _pool_add_activity_task
_original_environment = sfn_execution_worker.ExecutionWorker._get_evaluation_environment


def _evaluation_environment(self):
    env = _original_environment(self)
    execution = getattr(self._execution_communication, "execution", None)
    if execution is not None:
        env.callback_pool_manager._sagabench_execution = weakref.ref(execution)
    return env


sfn_execution_worker.ExecutionWorker._get_evaluation_environment = _evaluation_environment
_token_hint = threading.local()


def _token_owner(backend, token):
    """The execution of this backend that issued the token, or None if the index does not know it."""
    pool = _token_pools.get(token)
    ref = getattr(pool, "_sagabench_execution", None)
    execution = ref() if ref is not None else None
    if execution is None:
        return None
    for state_machine in backend.state_machines:
        if state_machine.arn == execution.state_machine_arn:
            executions = state_machine.executions
            if isinstance(executions, _Executions) and executions.by_arn.get(execution.execution_arn) is execution:
                return execution
    return None


def _executions_for_token(self, *args, **kwargs):
    token = getattr(_token_hint, "token", None)
    owner = _token_owner(self, token) if token is not None else None
    if owner is None:
        return _get_started_executions(self, *args, **kwargs)
    # The token lives in its issuer's pool only, so moto's walk could match no other execution.
    status = args[0] if args else kwargs.get("execution_status")
    return [owner] if _started(owner) and (status is None or status == owner.status) else []


sfn_models.StepFunctionsParserBackend._get_executions = _executions_for_token


def _with_token_hint(fn):
    @functools.wraps(fn)
    def wrapper(self, task_token, *args, **kwargs):
        _token_hint.token = task_token
        try:
            return fn(self, task_token, *args, **kwargs)
        finally:
            _token_hint.token = None

    return wrapper


for _name in ("send_task_success", "send_task_failure", "send_task_heartbeat"):
    setattr(sfn_models.StepFunctionsParserBackend, _name, _with_token_hint(getattr(sfn_models.StepFunctionsParserBackend, _name)))

# 14. SQS checks each message it hands out against the queue's retention period by building the
# queue's whole attribute dict three times, and that dict counts the queue's visible, in-flight
# and delayed messages: every received message cost several walks of the queue (about 30 % of
# the messaging process's CPU in a 24-client choreography run). The period is the queue's own
# field (an int: moto converts it when the attribute is set), read directly.
_original_retention_check = sqs_models.SQSBackend.is_message_valid_based_on_retention_period


def _is_message_valid_based_on_retention_period(self, queue_name, message):
    retention_period = getattr(self.get_queue(queue_name), "message_retention_period", None)
    if retention_period is None:
        return _original_retention_check(self, queue_name, message)
    return retention_period + message.sent_timestamp / 1000 > sqs_models.unix_time()


sqs_models.SQSBackend.is_message_valid_based_on_retention_period = _is_message_valid_based_on_retention_period

# SendMessage (and SNS's delivery to a queue, which is a SendMessage) reads one attribute,
# ContentBasedDeduplication, from the same attribute dict, so every send walked the queue
# too. While a send runs, the dict a queue builds holds only the attributes that key can be
# (a FIFO queue's, converted as moto converts them); every other caller gets the whole dict.
_original_queue_attributes = sqs_models.Queue.attributes.fget
_sending = threading.local()


def _queue_attributes(self):
    if not getattr(_sending, "depth", 0):
        return _original_queue_attributes(self)
    result = {}
    if self.fifo_queue:
        for attribute in self.FIFO_ATTRIBUTES:
            value = getattr(self, sqs_models.camelcase_to_underscores(attribute))
            result[attribute] = str(value).lower() if isinstance(value, bool) else value
    return result


def _while_sending(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        _sending.depth = getattr(_sending, "depth", 0) + 1
        try:
            return fn(*args, **kwargs)
        finally:
            _sending.depth -= 1

    return wrapper


if not {"ContentBasedDeduplication"} <= set(sqs_models.Queue.FIFO_ATTRIBUTES):
    sys.exit("sagabench moto launcher: moto.sqs.models.Queue changed shape; re-check the patch")
sqs_models.Queue.attributes = property(_queue_attributes)
sqs_models.SQSBackend.send_message = _while_sending(sqs_models.SQSBackend.send_message)

# 15. Per request, moto's dispatcher listed moto's package directory (os.listdir and an isdir
# for each of its ~200 entries) to tell whether the host names a service, under a lock every
# request thread takes, and its action lookup listed the response class's members with
# inspect.getmembers. Both answers depend only on the host or the class: they are kept after
# the first request (a host no service matches is not kept, so moto still reports it).
from moto.core import responses as core_responses  # noqa: E402

_original_backend_for_host = werkzeug_app.DomainDispatcherApplication.get_backend_for_host
_backend_for_host: dict = {}


def _get_backend_for_host(self, host):
    backend = _backend_for_host.get(host)
    if backend is None:
        backend = _original_backend_for_host(self, host)
        if backend:
            _backend_for_host[host] = backend
    return backend


werkzeug_app.DomainDispatcherApplication.get_backend_for_host = _get_backend_for_host
_original_method_names = core_responses.method_names_from_class
_method_names: dict = {}


def _method_names_from_class(clazz):
    names = _method_names.get(clazz)
    if names is None:
        names = _method_names[clazz] = frozenset(_original_method_names(clazz))
    return names


core_responses.method_names_from_class = _method_names_from_class

# 16. Python's full garbage collection walks every tracked object, and moto keeps everything a run
# makes (executions with their histories and environments, items, messages), while the collection
# holds the GIL: every request thread of the process stops for it. Measured in a 2,000-order Step
# Functions run at 24 clients (bench/measurement-log.md, issue #16's eighth pass): the Step Functions process's full
# collections grew from 0.1 s to 1.8 s and DynamoDB's to 0.9 s, and the run's p99 rose to 1.6x its
# 100-order p99 where the other variants' stayed within 1.1x. After each full collection the
# objects that survived it are moved out of the collector's reach (gc.freeze), so the next one walks
# only what was made since. They are still freed when nothing refers to them; a cycle among them is
# not collected until a reset, which gives them back to the collector (gc.unfreeze, then a full
# collection, which freezes what is left), since a reset drops everything the run made. GET /_sagabench/gc says how many objects are frozen.
import gc  # noqa: E402


def _freeze_after_full_collection(phase, info):
    if phase == "stop" and info["generation"] == 2:
        gc.freeze()


gc.callbacks.append(_freeze_after_full_collection)
_dispatch_before_gc = werkzeug_app.DomainDispatcherApplication.__call__


def _dispatch_gc(self, environ, start_response):
    path = environ.get("PATH_INFO")
    if path == "/_sagabench/gc":
        body = json.dumps({"frozen": gc.get_freeze_count()}).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]
    if path == "/moto-api/reset" and environ.get("REQUEST_METHOD") == "POST":
        result = _dispatch_before_gc(self, environ, start_response)
        # The run's objects go back to the collector, and what is left after a collection is frozen again.
        gc.unfreeze()
        gc.collect()
        return result
    return _dispatch_before_gc(self, environ, start_response)


werkzeug_app.DomainDispatcherApplication.__call__ = _dispatch_gc
# What the imports made is frozen before the first request: otherwise the first full collection walks it under load.
gc.collect()

# 17. SQS's DeleteMessage rebuilt the queue's message list from a walk over it and then assigned
# the new list, with no lock: a SendMessage that appended (under the queue's own lock) while a
# delete walked was dropped when the delete assigned its list, and of two deletes at once the
# second undid the first, so a deleted message came back after its visibility timeout. Seen in a
# 2,000-order Step Functions run (bench/measurement-log.md, issue #16's eighth pass): a task message sent (its
# MessageId returned) and never received, its execution waiting out the task's 60-s timeout; six
# messages answered and deleted, received again 30 s later. A delete now holds the queue's lock,
# as a send does, and removes its message in place, so a receive that moves one to the
# dead-letter queue meanwhile is not undone either. Every answer and error stays moto's.
from moto.sqs.exceptions import ReceiptHandleIsInvalid as _ReceiptHandleIsInvalid  # noqa: E402


def _delete_message(self, receipt_handle):
    with self._messages_lock:
        if receipt_handle in self.deleted_messages:
            # Already deleted: moto answers a second delete as a success.
            return
        matched = [m for m in self._messages if m.had_receipt_handle(receipt_handle)]
        if not matched:
            raise _ReceiptHandleIsInvalid()
        for message in matched:
            self.pending_messages.discard(message)
            self.deleted_messages.update(message.all_receipt_handles)
            try:
                self._messages.remove(message)
            except ValueError:
                pass  # moved to the dead-letter queue by a receive meanwhile


if not (hasattr(sqs_models.Message, "had_receipt_handle") and "_messages_lock" in sqs_models.Queue.__init__.__code__.co_names):
    sys.exit("sagabench moto launcher: moto.sqs.models.Queue changed shape; re-check the patch")
sqs_models.Queue.delete_message = _delete_message

from moto.server import main  # noqa: E402  (after the patch, on purpose)

if __name__ == "__main__":
    sys.exit(main())
