"""The ``local`` backend: the embedded Nextflow engine (install, JVM, sessions, observer) and its results.

Its public names live in the modules: ``backend.LocalBackend``, ``result.RunResult`` and ``engine``
(install/info/classpath); the package itself imports nothing, so ``import pynf`` never loads the JVM side.
"""

__all__: list[str] = []
