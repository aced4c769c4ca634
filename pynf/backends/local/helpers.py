"""pynf's own small JVM-side helpers (Groovy), compiled once per engine into pynf's cache.

Compiling Groovy at every JVM start costs seconds; the classes are compiled on first use into
``<cache>/engine/helpers/<engine>-<hash>.jar`` and put on the classpath of later JVMs.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import threading
import zipfile
from pathlib import Path

from pynf._util import paths as _paths

__all__ = ["SOURCES", "helper_jar", "classpath_entry", "load"]

SOURCES: dict[str, str] = {
    # Blocks System.exit from Nextflow code paths (third Ctrl-C, the deprecated script `exit`).
    "PynfExitGuard": """
@groovy.transform.CompileStatic
class PynfExitGuard extends SecurityManager {
    void checkExit(int status) {
        throw new SecurityException("System.exit(" + status + ") is not allowed inside pynf's embedded Nextflow")
    }
    void checkPermission(java.security.Permission perm) { }
    void checkPermission(java.security.Permission perm, Object context) { }
    static void install() { System.setSecurityManager(new PynfExitGuard()) }
}
""",
    # Parses and starts a script Java-side: if Python touched the per-run script object, JPype would
    # keep a descriptor of its class forever (and with it the run's class loader and AST).
    "PynfLauncher": """
@groovy.transform.CompileStatic
class PynfLauncher {
    static void launch(nextflow.Session session, java.nio.file.Path main) {
        def loader = nextflow.script.ScriptLoaderFactory.create(session).parse(main)
        session.script = loader.getScript()
        loader.runScript()
        session.fireDataflowNetwork(false)
    }
}
""",
    # Swallows the InterruptedException that ends a run's lingering threads, Java-side: a Python
    # handler would be called from a dying Java thread, possibly while the interpreter shuts down.
    "PynfQuietHandler": """
@groovy.transform.CompileStatic
class PynfQuietHandler implements Thread.UncaughtExceptionHandler {
    void uncaughtException(Thread thread, Throwable error) { }
}
""",
    # A finished task as JSON for Python: its index (input order), the meta map of its inputs and its output
    # values by channel (kinds as the manifest spells them), so a failed run still hands back finished items.
    "PynfTaskItems": """
class PynfTaskItems {
    static Object plain(Object v) {
        if (v == null || v instanceof Boolean || v instanceof Number || v instanceof String) { return v }
        if (v instanceof java.nio.file.Path) {
            def p = (java.nio.file.Path) v
            return p.getFileSystem() == java.nio.file.FileSystems.getDefault() ? p.toString() : p.toUriString()
        }
        if (v instanceof Map) {
            def out = [:]
            ((Map) v).each { k, x -> out.put(k.toString(), plain(x)) }
            return out
        }
        if (v instanceof Collection) { return ((Collection) v).collect { x -> plain(x) } }
        return v.toString()
    }

    static String kind(Object param) {
        def name = param.getClass().getSimpleName()
        return [FileOutParam: 'path', EnvOutParam: 'env', CmdEvalParam: 'eval', StdOutParam: 'stdout'].get(name, 'val')
    }

    static String describe(nextflow.processor.TaskRun task) {
        def meta = null
        for (def entry : task.getInputs().entrySet()) {
            if (entry.getValue() instanceof Map) { meta = plain(entry.getValue()); break }
        }
        def outputs = task.getOutputs().collect { param, value ->
            return [index: param.index, kind: kind(param), value: plain(value)]
        }
        def channels = task.getProcessor().getConfig().getOutputs().collect { param ->
            def topic = param.hasProperty('channelTopicName') ? param.channelTopicName : null
            return [index: param.index, emit: param.channelEmitName, topic: topic]
        }
        return groovy.json.JsonOutput.toJson([index: task.index, meta: meta, outputs: outputs, channels: channels])
    }
}
""",
}

_LOCK = threading.Lock()
_LOADED: dict[str, object] = {}


def helper_jar(engine_version: str) -> Path:
    """Path of the compiled helpers' jar for ``engine_version`` (may not exist yet)."""
    digest = hashlib.sha256("\0".join(f"{k}\0{v}" for k, v in sorted(SOURCES.items())).encode()).hexdigest()[:12]
    return _paths.engine_root() / "helpers" / f"{engine_version}-{digest}.jar"


def classpath_entry(engine_version: str) -> str | None:
    """The compiled helpers' jar when it exists (to add to the JVM classpath), else None."""
    jar = helper_jar(engine_version)
    return str(jar) if jar.is_file() else None


def _compile(target: Path) -> None:
    from jpype import JClass

    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=target.parent))
    try:
        classes = tmp / "classes"
        cfg = JClass("org.codehaus.groovy.control.CompilerConfiguration")()
        cfg.setTargetDirectory(JClass("java.io.File")(str(classes)))
        unit = JClass("org.codehaus.groovy.control.CompilationUnit")(cfg)
        for name, text in sorted(SOURCES.items()):
            unit.addSource(f"{name}.groovy", text)
        unit.compile()
        part = tmp / "helpers.jar"
        with zipfile.ZipFile(part, "w", zipfile.ZIP_DEFLATED) as zf:
            for f in sorted(classes.rglob("*.class")):
                zf.write(f, f.relative_to(classes).as_posix())
        os.replace(part, target)  # atomic; a concurrent compile writes the same bytes
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def load(name: str, engine_version: str):
    """The helper class ``name`` (a JPype class), from the classpath or compiled now (running JVM)."""
    from jpype import JClass

    with _LOCK:
        if name in _LOADED:
            return _LOADED[name]
        try:
            cls = JClass(name)
        except Exception:  # not on the classpath: compile into the cache and load from there
            target = helper_jar(engine_version)
            if not target.is_file():
                _compile(target)
            if "loader" not in _LOADED:
                url = JClass("java.io.File")(str(target)).toURI().toURL()
                urls = JClass("java.net.URL[]")([url])
                _LOADED["loader"] = JClass("java.net.URLClassLoader")(
                    urls, JClass("java.lang.ClassLoader").getSystemClassLoader())
            cls = JClass(_LOADED["loader"].loadClass(name))
        _LOADED[name] = cls
        return cls
