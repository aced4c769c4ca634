#!/usr/bin/env bash
# A single-node Slurm cluster on this machine, for pynf's `slurm` tests and for trying pynf on Slurm.
#
#   bash scripts/slurm-cluster.sh up       # install slurm-wlm + munge if missing, write the config,
#                                          # start munged, slurmctld and slurmd, wait until the node is idle
#   bash scripts/slurm-cluster.sh status   # exit 0 when the cluster answers and the node is usable
#   bash scripts/slurm-cluster.sh down     # stop the daemons this script started
#
# One node (this machine, with its CPUs and memory), one partition `debug`.  Runs as root without
# systemd: the daemons are started directly.  Job accounting needs no database: every finished job is
# appended to $PYNF_SLURM_DIR/jobcomp.txt (JobCompType=jobcomp/filetxt), one line per job with its
# JobId, JobState, requested CPUs/memory (Tres=), TimeLimit, ExitCode and work dir.
#
# State (config, spool, logs, pid files, the accounting file) lives in PYNF_SLURM_DIR
# (default /var/lib/pynf-slurm).  Slurm's clients read /etc/slurm/slurm.conf, which is made a
# symlink to the config written here; a slurm.conf this script did not write is never replaced.
# `up` is idempotent: a running cluster with the same config is left alone.
set -euo pipefail

STATE="$(realpath -m "${PYNF_SLURM_DIR:-/var/lib/pynf-slurm}")"
CONF="$STATE/slurm.conf"
SYSCONF=/etc/slurm/slurm.conf
MARK="# written by pynf scripts/slurm-cluster.sh"
WAIT_SECONDS="${PYNF_SLURM_WAIT:-60}"

log() { echo "slurm-cluster: $*" >&2; }
die() { log "$*"; exit 1; }

need_root() {
    [ "$(id -u)" -eq 0 ] || die "must run as root (Slurm's daemons and SlurmUser=root)"
}

install_packages() {
    local missing=()
    command -v munged >/dev/null 2>&1 || missing+=(munge)
    for cmd in slurmctld slurmd sbatch; do
        command -v "$cmd" >/dev/null 2>&1 || { missing+=(slurm-wlm); break; }
    done
    if [ "${#missing[@]}" -gt 0 ]; then
        log "installing ${missing[*]} from Debian"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
}

node_name() { hostname -s; }

write_config() {
    local node cpus mem
    node="$(node_name)"
    # slurmd -C prints what the node really has: "NodeName=vm CPUs=2 ... RealMemory=24105"
    cpus="$(slurmd -C | sed -n 's/.* CPUs=\([0-9]*\).*/\1/p' | head -1)"
    mem="$(slurmd -C | sed -n 's/.* RealMemory=\([0-9]*\).*/\1/p' | head -1)"
    [ -n "$cpus" ] && [ -n "$mem" ] || die "cannot read this machine's CPUs and memory from 'slurmd -C'"
    mkdir -p "$STATE/ctld" "$STATE/spool" "$STATE/log"
    cat > "$CONF.new" <<EOF
$MARK
# Single-node cluster: node $node = this machine. State: $STATE
ClusterName=pynf
SlurmctldHost=$node
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$STATE/jobcomp.txt
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=256
ReturnToService=2
MinJobAge=600
KillWait=5
InactiveLimit=0
StateSaveLocation=$STATE/ctld
SlurmdSpoolDir=$STATE/spool
SlurmctldPidFile=$STATE/slurmctld.pid
SlurmdPidFile=$STATE/slurmd.pid
SlurmctldLogFile=$STATE/log/slurmctld.log
SlurmdLogFile=$STATE/log/slurmd.log
NodeName=$node CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
    if [ -f "$CONF" ] && cmp -s "$CONF" "$CONF.new"; then
        rm -f "$CONF.new"
        CONFIG_CHANGED=0
    else
        mv "$CONF.new" "$CONF"
        CONFIG_CHANGED=1
    fi
    mkdir -p /etc/slurm
    if [ -L "$SYSCONF" ] && [ "$(readlink -f "$SYSCONF")" != "$(readlink -f "$CONF")" ]; then
        local other
        other="$(dirname "$(readlink -f "$SYSCONF")")"
        if pid_alive "$other/slurmctld.pid" || pid_alive "$other/slurmd.pid"; then
            die "a cluster with its state in $other is running; stop it first (PYNF_SLURM_DIR=$other $0 down)"
        fi
    fi
    if [ -L "$SYSCONF" ] || [ ! -e "$SYSCONF" ]; then
        ln -sfn "$CONF" "$SYSCONF"
    elif ! head -1 "$SYSCONF" | grep -qF "$MARK"; then
        die "$SYSCONF exists and was not written by this script; refusing to replace it"
    else
        ln -sfn "$CONF" "$SYSCONF"
    fi
}

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

munge_pidfile=/run/munge/munged.pid

start_munge() {
    if pid_alive "$munge_pidfile" && munge -n </dev/null | unmunge >/dev/null 2>&1; then
        return 0
    fi
    if [ ! -s /etc/munge/munge.key ]; then
        log "creating /etc/munge/munge.key"
        if command -v mungekey >/dev/null 2>&1; then mungekey --create --force; else create-munge-key -f; fi
        chown munge:munge /etc/munge/munge.key
        chmod 0400 /etc/munge/munge.key
    fi
    mkdir -p /run/munge /var/log/munge /var/lib/munge
    chown munge:munge /run/munge /var/log/munge /var/lib/munge
    chmod 0755 /run/munge
    rm -f /run/munge/munge.socket.2 "$munge_pidfile"
    runuser -u munge -- /usr/sbin/munged
    for _ in $(seq 50); do
        munge -n </dev/null | unmunge >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    die "munged did not start (see /var/log/munge/munged.log)"
}

start_daemon() {  # name pidfile
    local name="$1" pidfile="$2"
    if pid_alive "$pidfile"; then
        if [ "$CONFIG_CHANGED" -eq 1 ]; then
            log "config changed: restarting $name"
            stop_daemon "$name" "$pidfile"
        else
            return 0
        fi
    fi
    "/usr/sbin/$name" || die "$name did not start (see $STATE/log/$name.log)"
}

stop_daemon() {  # name pidfile
    local name="$1" pidfile="$2" pid
    pid_alive "$pidfile" || { rm -f "$pidfile"; return 0; }
    pid="$(cat "$pidfile")"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 100); do
        kill -0 "$pid" 2>/dev/null || { rm -f "$pidfile"; return 0; }
        sleep 0.1
    done
    log "$name (pid $pid) did not stop on SIGTERM; sending SIGKILL"
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$pidfile"
}

node_state() { sinfo -h -N -n "$(node_name)" -o '%T' 2>/dev/null | head -1; }

wait_idle() {
    local state="" tries=$((WAIT_SECONDS * 2))
    for _ in $(seq "$tries"); do
        state="$(node_state || true)"
        case "$state" in
            idle|mixed|allocated|completing) return 0 ;;
            down*|drain*|drained*|fail*)  # e.g. "unexpectedly rebooted" after a restart: put it back
                scontrol update NodeName="$(node_name)" State=RESUME >/dev/null 2>&1 || true ;;
        esac
        sleep 0.5
    done
    die "node $(node_name) not usable after ${WAIT_SECONDS}s (state: ${state:-no answer}); logs in $STATE/log"
}

cmd_up() {
    need_root
    install_packages
    write_config
    start_munge
    start_daemon slurmctld "$STATE/slurmctld.pid"
    start_daemon slurmd "$STATE/slurmd.pid"
    wait_idle
    log "up: node $(node_name) $(node_state), partition debug; accounting file $STATE/jobcomp.txt"
}

cmd_down() {
    need_root
    stop_daemon slurmd "$STATE/slurmd.pid"
    stop_daemon slurmctld "$STATE/slurmctld.pid"
    # munged is left running: other software on the machine may use it
    log "down"
}

cmd_status() {
    local ok=0
    for d in slurmctld slurmd; do
        if pid_alive "$STATE/$d.pid"; then echo "$d: running (pid $(cat "$STATE/$d.pid"))"
        else echo "$d: stopped"; ok=1; fi
    done
    if pid_alive "$munge_pidfile"; then echo "munged: running"; else echo "munged: stopped"; ok=1; fi
    local state
    state="$(node_state || true)"
    echo "node $(node_name): ${state:-no answer}"
    echo "accounting: $STATE/jobcomp.txt"
    case "$state" in idle|mixed|allocated|completing) ;; *) ok=1 ;; esac
    return "$ok"
}

case "${1:-}" in
    up) cmd_up ;;
    down) cmd_down ;;
    status) cmd_status ;;
    *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
