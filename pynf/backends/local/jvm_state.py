"""Nextflow's JVM-wide state as the embedded runs see it: Java classes looked up lazily (:data:`J`), and the
static state a fresh ``nextflow run`` starts from, reset between runs the way Nextflow's own tests do."""

from __future__ import annotations

import logging

__all__ = ["J", "reset_statics", "reset_script_state"]

_log = logging.getLogger("pynf.backends.local.engine")


class _J:
    """Lazily looked-up Java classes."""

    _cache: dict[str, object] = {}

    def __getattr__(self, name: str):
        from jpype import JClass

        names = {
            "ArrayList": "java.util.ArrayList", "HashMap": "java.util.HashMap", "Paths": "java.nio.file.Paths",
            "System": "java.lang.System", "PrintStream": "java.io.PrintStream",
            "BAOS": "java.io.ByteArrayOutputStream", "Signal": "sun.misc.Signal", "SignalHandler": "sun.misc.SignalHandler",
            "Session": "nextflow.Session", "NextflowMeta": "nextflow.NextflowMeta", "NF": "nextflow.NF",
            "Global": "nextflow.Global", "SysEnv": "nextflow.SysEnv", "ScriptFile": "nextflow.script.ScriptFile",
            "ScriptLoaderFactory": "nextflow.script.ScriptLoaderFactory", "ScriptMeta": "nextflow.script.ScriptMeta",
            "ExecutionStack": "nextflow.script.ExecutionStack", "TaskProcessor": "nextflow.processor.TaskProcessor",
            "CmdRun": "nextflow.cli.CmdRun", "CliOptions": "nextflow.cli.CliOptions",
            "ConfigBuilder": "nextflow.config.ConfigBuilder", "Plugins": "nextflow.plugin.Plugins",
            "CH": "nextflow.extension.CH", "LoggerHelper": "nextflow.util.LoggerHelper",
            "FileAppender": "ch.qos.logback.core.FileAppender",
            "Encoder": "ch.qos.logback.classic.encoder.PatternLayoutEncoder",
            "LoggerFactory": "org.slf4j.LoggerFactory", "Throwable": "java.lang.Throwable",
            "Thread": "java.lang.Thread", "Dataflow": "groovyx.gpars.dataflow.Dataflow",
        }
        if name not in self._cache:
            self._cache[name] = JClass(names[name])
        return self._cache[name]


J = _J()


def reset_script_state() -> None:
    """Before a JVM's first run: only what a parser oracle sharing the JVM could have touched."""
    for step in (lambda: J.ScriptMeta.reset(), lambda: J.TaskProcessor.reset(), _reset_counters,
                 _clear_channel_maps):
        try:
            step()
        except Exception as exc:
            _log.debug("reset step failed: %s", exc)


def reset_statics() -> None:
    """Reset Nextflow's JVM-wide state the way its own test-suite does between runs."""
    for step in (lambda: J.TaskProcessor.reset(), lambda: J.ScriptMeta.reset(), lambda: J.ExecutionStack.reset(),
                 lambda: J.Global.reset(), lambda: J.NF.init(), lambda: J.Plugins.stop(),
                 lambda: J.LoggerHelper.setAborted(False), _clear_channel_maps, _reset_counters,
                 _clear_memoized, _clear_log_status, _flush_bean_caches):
        try:
            step()
        except Exception as exc:
            _log.debug("reset step failed: %s", exc)


def _static_field(class_name: str, field_name: str):
    from jpype import JClass

    field = JClass(class_name).class_.getDeclaredField(field_name)
    field.setAccessible(True)
    return field.get(None)


def _clear_channel_maps() -> None:
    """Topic channels and queue->broadcast bridges are static maps Nextflow never clears."""
    for name in ("allTopics", "bridges"):
        _static_field("nextflow.extension.CH", name).clear()


# Static counters a fresh `nextflow run` starts from zero. The eval-output counter names the
# variables stored in `.command.env`, so it must restart for `resume` to find cached eval outputs.
_COUNTERS = (("nextflow.script.params.CmdEvalParam", "counter"), ("nextflow.processor.TaskId", "allCount"))


# Static @Memoized methods keyed by Session (they would keep every finished run's Session, with its
# compiled script and AST, alive) or by config file path (stale content across runs).
_MEMOIZED = ("nextflow.fusion.FusionHelper", "nextflow.file.PathVisitor", "nextflow.script.IncludeDef",
             "nextflow.config.parser.v1.ConfigBase", "nextflow.config.parser.v2.ConfigDsl")


def _clear_memoized() -> None:
    from jpype import JClass

    executor = JClass("java.util.concurrent.ExecutorService")
    for class_name in _MEMOIZED:
        try:
            cls = JClass(class_name).class_
        except Exception:  # not in this Nextflow version
            continue
        for field in cls.getDeclaredFields():
            if not str(field.getName()).startswith("memoizedMethodClosure$"):
                continue
            field.setAccessible(True)
            closure = field.get(None)
            holder = closure.getClass() if closure is not None else None
            while holder is not None:
                try:
                    cache_field = holder.getDeclaredField("cache")
                    break
                except Exception:
                    holder = holder.getSuperclass()
            if holder is None:
                continue
            cache_field.setAccessible(True)
            cache = cache_field.get(closure)
            for value in list(cache.clearAll().values()):
                if isinstance(value, executor):
                    value.shutdown()


def _clear_log_status() -> None:
    J.LoggerFactory.getILoggerFactory().getStatusManager().clear()  # statuses keep old appenders


def _flush_bean_caches() -> None:
    """The JDK's bean-introspection cache (filled by Groovy metaclasses) holds every run's script classes."""
    from jpype import JClass

    JClass("java.beans.Introspector").flushCaches()


def _reset_counters() -> None:
    for class_name, field_name in _COUNTERS:
        _static_field(class_name, field_name).set(0)
