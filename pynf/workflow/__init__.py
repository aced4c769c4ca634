"""Workflows: several module processes wired in Python, compiled into one wrapper, run as ONE Nextflow run."""

from pynf.workflow.graph import Workflow
from pynf.workflow.step import ChannelRef, Gather, Step, StepOutputs, VersionsRef, collect
from pynf.workflow.result import StepResult, WorkflowResult

__all__ = ["Workflow", "Step", "StepOutputs", "ChannelRef", "Gather", "VersionsRef", "collect", "WorkflowResult",
           "StepResult"]
