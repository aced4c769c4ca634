"""Tests, tier: slurm (tasks run as jobs of a real single-node Slurm cluster, scripts/slurm-cluster.sh)."""
