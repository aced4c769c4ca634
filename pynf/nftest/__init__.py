"""nf-core's own stub tests (nf-test ``main.nf.test`` + ``main.nf.test.snap``) as a peer check of pynf:
read a stub test, run it through pynf with ``stub=True`` and compare output file names and meta maps with
the snapshot (:func:`pynf.nftest.check.check_test`)."""

from pynf.nftest.check import TestOutcome, check_test
from pynf.nftest.reader import NfTest, Untranslatable, read_tests

__all__ = ["NfTest", "TestOutcome", "Untranslatable", "check_test", "read_tests"]
