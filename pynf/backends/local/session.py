"""Run one Nextflow script in-process on the embedded JVM, the way ``nextflow run`` does.

Threads: runs are serialized by a process-wide lock (:data:`RUN_LOCK`); calling :func:`run_script`
from several threads is safe, the runs simply execute one after the other. Nextflow keeps global
state (``Global.session``, ``SysEnv``, ``System.out``), so two runs can never overlap in one JVM —
use separate processes for parallel runs.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pynf.backends.local import signals
from pynf.backends.local.launches import (launch_pool, stop_launches, stop_launches_at_exit,
                                          tasks_ended_meanwhile)
from pynf.backends.local.leftovers import end_leftover_tasks, end_leftovers_at_exit
from pynf.backends.local.jvm import start_jvm
from pynf.backends.local.jvm_state import J, reset_script_state, reset_statics
from pynf.backends.local.observer import RunObserver, make_proxy
from pynf.backends.local.watch import Deadline, eval_failure as _eval_failure
from pynf.backends.local.threads import await_actors_idle, launcher, stop_lingering_threads, thread_ids

__all__ = ["RUN_LOCK", "EmbeddedRun", "run_script", "new_run_name"]

_log = logging.getLogger("pynf.backends.local.engine")

#: Serializes embedded runs in this process (Nextflow's state is global per JVM).
RUN_LOCK = threading.RLock()

_LOG_PATTERN = "%d{MMM-dd HH:mm:ss.SSS} [%thread] %-5level %logger{36} - %msg%n"


@dataclass
class EmbeddedRun:
    """Outcome of one embedded run (success or failure; exceptions are captured, not raised)."""

    success: bool
    session_id: str | None
    run_name: str
    error: str | None
    error_type: str | None
    stdout: str
    log_file: Path
    seconds: float
    observer: RunObserver
    #: the run was aborted after ``timeout`` seconds; ``waiting_for`` says what it was waiting for then
    timed_out: bool = False
    waiting_for: tuple[str, ...] = ()
    #: a failed ``eval`` output command: {"command", "status", "output"} (Nextflow's ProcessEvalException)
    eval_failure: dict | None = None


def new_run_name() -> str:
    """A fresh run name that matches Nextflow's run-name pattern."""
    return "pynf_" + uuid.uuid4().hex[:12]


def _attach_log(path: Path):
    ctx = J.LoggerFactory.getILoggerFactory()
    enc = J.Encoder()
    enc.setContext(ctx)
    enc.setPattern(_LOG_PATTERN)
    enc.start()
    app = J.FileAppender()
    app.setContext(ctx)
    app.setName("pynf-run")
    app.setFile(str(path))
    app.setAppend(True)
    app.setEncoder(enc)
    app.start()
    ctx.getLogger("ROOT").addAppender(app)
    return app


def _detach_log(app) -> None:
    ctx = J.LoggerFactory.getILoggerFactory()
    ctx.getLogger("ROOT").detachAppender(app)
    app.stop()


# State left by the previous run is reset when the next run starts (not after each run: the result is
# returned sooner, and a JVM's first run needs no reset at all).
_AFTER_RUN: dict[str, set[int]] = {}


def _tidy_previous_run() -> None:
    if "threads_before" in _AFTER_RUN:
        reset_statics()
        stop_lingering_threads(_AFTER_RUN.pop("threads_before"))
    else:  # first run in this JVM: only what a parser oracle sharing the JVM could have touched
        reset_script_state()


_SHUTDOWN_REGISTERED: list[bool] = []


def shutdown(timeout: float = 30.0) -> None:
    """End the embedded engine's work in order before the interpreter exits (registered with ``atexit`` at
    the first run, so it runs before JPype's own exit handler, which shuts the JVM down).

    JPype's shutdown interrupts every Java thread and destroys the JVM while Python is being finalized.
    A Java thread that calls into Python then (an observer proxy, an uncaught-exception handler) or
    still runs Nextflow code can crash the process. So: wait for a run in progress (``timeout``), stop
    the last run's lingering threads and wait for them to end, let the dataflow actors go idle, and
    shut their pool down, so that no Nextflow thread is left to run when JPype takes the JVM down.
    """
    signals.restore_jvm_handlers()  # the steps below run Java code: safepoints need the JVM's handlers
    if not RUN_LOCK.acquire(timeout=timeout):
        _log.warning("a run was still in progress at exit; the engine is shut down without waiting for it")
        end_leftovers_at_exit()
        return
    try:
        if "threads_before" in _AFTER_RUN:
            stop_lingering_threads(_AFTER_RUN.pop("threads_before"), join_seconds=5.0)
        await_actors_idle(5.0)
        J.Dataflow.retrieveCurrentDFPGroup().shutdown()
    except Exception as exc:  # noqa: BLE001 - exiting anyway; JPype's shutdown follows
        _log.debug("engine shutdown step failed: %s", exc)
    finally:
        try:  # once no launch can start a task any more: the last sweep
            stop_launches_at_exit()
        finally:
            end_leftovers_at_exit()
            RUN_LOCK.release()


def _register_shutdown() -> None:
    if not _SHUTDOWN_REGISTERED:
        _SHUTDOWN_REGISTERED.append(True)
        atexit.register(shutdown)


def _ensure_context_class_loader() -> None:
    """Python threads attached to the JVM have no context class loader; Nextflow's config parser needs one."""
    from jpype import JClass

    thread = JClass("java.lang.Thread").currentThread()
    if thread.getContextClassLoader() is None:
        thread.setContextClassLoader(JClass("java.lang.ClassLoader").getSystemClassLoader())


def _add_observer(session, proxy) -> None:
    field = J.Session.class_.getDeclaredField("observersV2")
    field.setAccessible(True)
    field.get(session).add(proxy)


def _submit_reason(throwable) -> str | None:
    """What a grid scheduler's submit command answered when it refused a job (e.g. sbatch's error)."""
    if str(throwable.getClass().getName()) != "nextflow.exception.ProcessNonZeroExitStatusException":
        return None
    reason = throwable.getReason()
    if reason is None:
        return None
    return str(reason).strip() or None


def _message(exc) -> tuple[str, str]:
    """(type, message) of a Java or Python exception, following Java causes to the most specific one."""
    try:
        throwable = exc.__javaobject__ if hasattr(exc, "__javaobject__") else exc
        if isinstance(throwable, J.Throwable):
            parts, cur, seen = [], throwable, 0
            while cur is not None and seen < 5:
                msg = cur.getMessage()
                if msg is not None and str(msg) not in parts:
                    parts.append(str(msg))
                reason = _submit_reason(cur)
                if reason and reason not in parts:
                    parts.append(reason)
                cur, seen = cur.getCause(), seen + 1
            return str(throwable.getClass().getName()), "\n".join(parts) or str(throwable.getClass().getName())
    except Exception:
        pass
    return type(exc).__name__, str(exc)


def _build_config(script: Path, run_dir: Path, params_file: Path | None, config_file: Path | None,
                  work_dir: Path, outdir: Path | None, stub: bool, resume_id: str | None, run_name: str):
    cmd = J.CmdRun()
    if params_file is not None:
        cmd.setParamsFile(str(params_file))
    cmd.setStubRun(bool(stub))
    cmd.setWorkDir(str(work_dir))
    cmd.setRunName(run_name)
    if outdir is not None:
        cmd.setOutputDir(str(outdir))
    if resume_id:
        cmd.setResume(resume_id)
    opts = J.CliOptions()
    files = J.ArrayList()
    if config_file is not None:
        files.add(str(config_file))
    else:  # an explicit empty config keeps ~/.nextflow/config and cwd configs out
        empty = run_dir / ".pynf-empty.config"
        empty.write_text("")
        files.add(str(empty))
    opts.setConfig(files)
    builder = (J.ConfigBuilder().setOptions(opts).setCmdRun(cmd)
               .setBaseDir(J.Paths.get(str(script.parent))).setCurrentDir(J.Paths.get(str(run_dir))))
    return builder.build()


@dataclass
class _Run:
    """What one run's parts hand on: the session, the first error, the timeout watch."""

    session: Any = None
    error: str | None = None
    error_type: str | None = None
    deadline: Deadline | None = None


@contextmanager
def _threads_recorded():
    """The threads alive before the run, recorded when it ends (the next run stops those it left behind)."""
    threads_before = thread_ids()
    try:
        yield
    finally:
        _AFTER_RUN["threads_before"] = threads_before  # tidied when the next run starts


@contextmanager
def _engine_env(run_dir: Path):
    """Nextflow's environment for the run: its cache dir in the run dir, no resume history, no Tower token."""
    env = J.HashMap(J.SysEnv.get())
    env.put("NXF_CACHE_DIR", str(run_dir / ".nextflow"))
    env.put("NXF_IGNORE_RESUME_HISTORY", "true")
    env.remove("TOWER_ACCESS_TOKEN")
    J.SysEnv.push(env)
    try:
        yield
    finally:
        J.SysEnv.pop()


@contextmanager
def _run_log(path: Path):
    """Nextflow's log written to ``path`` while the run lasts."""
    appender = _attach_log(path)
    try:
        yield
    finally:
        _detach_log(appender)


@contextmanager
def _captured_stdout():
    """The JVM's ``System.out`` captured into the yielded buffer while the run lasts."""
    orig_out = J.System.out
    buffer = J.BAOS()
    J.System.setOut(J.PrintStream(buffer, True, "UTF-8"))
    try:
        yield buffer
    finally:
        J.System.out.flush()
        J.System.setOut(orig_out)


class _IntHandler:
    """The caller's Ctrl-C handler, remembered by :meth:`keep` (before ``session.start()`` installs Nextflow's
    own: 1st press aborts the run; the System.exit of the 3rd press is blocked by the exit guard)."""

    def __init__(self):
        self.signal = J.Signal("INT")
        self.previous = None

    def keep(self) -> None:
        self.previous = J.Signal.handle(self.signal, J.SignalHandler.SIG_DFL)
        J.Signal.handle(self.signal, self.previous)


@contextmanager
def _caller_int_handler():
    """The caller's Ctrl-C handler put back when the run ends (once the session is torn down)."""
    handler = _IntHandler()
    try:
        yield handler
    finally:
        if handler.previous is not None:
            J.Signal.handle(handler.signal, handler.previous)


@contextmanager
def _session_closed(run: _Run, work_dir: Path):
    """The run's session destroyed and its plugins, globals and dataflow actors stopped when the run ends, and
    the task processes it left running in ``work_dir`` ended (from the moment it is aborted or ends)."""
    ended = threading.Event()
    pool = None
    try:
        with tasks_ended_meanwhile(work_dir, when=lambda: ended.is_set() or _aborted(run.session)):
            try:
                yield
            finally:
                ended.set()
                pool = _destroyed(run.session)
    finally:
        if run.session is not None:
            _end_tasks(pool, work_dir)


def _aborted(session) -> bool:
    return session is not None and bool(session.isAborted())


def _destroyed(session):
    """Destroy ``session`` and stop its plugins, globals and dataflow actors; its task launch pool."""
    if session is None:
        return None
    pool = launch_pool(session)  # destroy drops the session's reference to it
    try:
        session.destroy()
        J.Plugins.stop()
        session.cleanup()
        J.Global.cleanUp()
        await_actors_idle()
    except Exception as exc:
        _log.debug("session teardown failed: %s", exc)
    return pool


def _end_tasks(pool, work_dir: Path) -> None:
    """No launch of the run left under way, then no task process of it left running in ``work_dir`` (one
    launched while the run was being aborted starts after Nextflow's own kill)."""
    try:
        stop_launches(pool, work_dir)
    except Exception as exc:  # noqa: BLE001 - the sweep below still ends what was started
        _log.debug("stopping the task launches failed: %s", exc)
    try:
        end_leftover_tasks(work_dir)
    except Exception as exc:  # noqa: BLE001 - never hides the run's own outcome; swept again at exit
        _log.debug("ending the run's leftover tasks failed: %s", exc)


@contextmanager
def _errors_recorded(run: _Run):
    """A failure to set up or run the session recorded on ``run`` (Ctrl-C goes through)."""
    try:
        yield
    except KeyboardInterrupt:
        raise
    except Exception as exc:
        run.error_type, run.error = _message(exc)


@contextmanager
def _watched(run: _Run, observer: RunObserver, timeout: float | None):
    """The timeout watch of the started session (aborts it after ``timeout`` seconds), cancelled at the end."""
    run.deadline = Deadline(run.session, observer, timeout)
    try:
        yield
    finally:
        run.deadline.cancel()


@contextmanager
def _aborted_on_error(run: _Run):
    """Any exception while the script runs (Java's, Ctrl-C) aborts the session and is recorded; Ctrl-C is
    raised again."""
    try:
        yield
    except BaseException as exc:  # noqa: BLE001 - Java exceptions, KeyboardInterrupt: abort the session
        run.session.abort(exc.__javaobject__ if hasattr(exc, "__javaobject__") else None)
        run.error_type, run.error = _message(exc)
        if isinstance(exc, KeyboardInterrupt):
            raise


def _new_session(config, script_file, command_line: str | None):
    """A Nextflow session for ``script_file`` with ``config``, initialised (not started)."""
    J.Plugins.load(config)
    J.NextflowMeta.instance.enableDsl2()
    session = J.Session(config)
    if command_line:
        session.setCommandLine(command_line)  # read into workflow.commandLine by session.init
    session.init(script_file, J.ArrayList())
    return session


def _outcome(run: _Run) -> tuple[bool, str | None, str | None, dict | None]:
    """(success, error type, error message, eval failure) of the ended run."""
    session, error_type, error = run.session, run.error_type, run.error
    success = session is not None and bool(session.isSuccess()) and error is None
    eval_failure = None
    if session is not None and error is None and not success:
        err = session.getError()
        error_type, error = _message(err) if err is not None else ("RunFailed", "the run was aborted")
        eval_failure = _eval_failure(err) if err is not None else None
    return success, error_type, error, eval_failure


def run_script(script: Path, *, run_dir: Path, params_file: Path | None = None, config_file: Path | None = None,
               work_dir: Path | None = None, outdir: Path | None = None, stub: bool = False,
               resume_id: str | None = None, observer: RunObserver | None = None,
               run_name: str | None = None, timeout: float | None = None,
               command_line: str | None = None) -> EmbeddedRun:
    """Run ``script`` in this process's JVM; all paths must be absolute. Never raises for run failures.

    ``timeout`` (seconds from the start of the script): the session is aborted then, like Ctrl-C, and the
    returned run has ``timed_out`` set with what it was still waiting for (the engine stays usable).
    ``command_line`` is what the execution report shows as the "Nextflow command" (``workflow.commandLine``).
    """
    start_jvm()
    _register_shutdown()
    signals.restore_jvm_handlers()  # something may have replaced them since (faulthandler.enable/disable)
    observer = observer or RunObserver()
    run_dir.mkdir(parents=True, exist_ok=True)
    work_dir = work_dir or run_dir / "work"
    run_name = run_name or new_run_name()
    log_file = run_dir / "nextflow.log"
    with RUN_LOCK:
        t0 = time.monotonic()
        _tidy_previous_run()
        _ensure_context_class_loader()
        run = _Run()
        with (_threads_recorded(), _engine_env(run_dir), _run_log(log_file), _captured_stdout() as buffer,
              _caller_int_handler() as int_handler, _session_closed(run, work_dir), _errors_recorded(run)):
            J.Plugins.init()
            config = _build_config(script, run_dir, params_file, config_file, work_dir, outdir, stub, resume_id,
                                   run_name)
            script_file = J.ScriptFile(J.Paths.get(str(script)))
            run.session = _new_session(config, script_file, command_line)
            _add_observer(run.session, make_proxy(observer))
            int_handler.keep()
            run.session.start()
            with _watched(run, observer, timeout), _aborted_on_error(run):
                launcher().launch(run.session, script_file.getMain())
                run.session.await_()
        success, error_type, error, eval_failure = _outcome(run)
        if error_type == "nextflow.exception.AbortSignalException":
            raise KeyboardInterrupt(f"run {run_name} interrupted; the session was aborted ({log_file})")
        stdout = bytes(buffer.toByteArray()).decode("utf-8", "replace")
        session_id = str(run.session.getUniqueId()) if run.session is not None else None
        return EmbeddedRun(success=success, session_id=session_id, run_name=run_name, error=error, error_type=error_type, stdout=stdout, log_file=log_file,
                           seconds=round(time.monotonic() - t0, 3), observer=observer,
                           timed_out=run.deadline is not None and run.deadline.fired,
                           waiting_for=run.deadline.waiting_for if run.deadline is not None else (),
                           eval_failure=eval_failure)
