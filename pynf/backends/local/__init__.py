"""The ``local`` backend: the embedded Nextflow engine (install, JVM, sessions, observer) and its results."""
