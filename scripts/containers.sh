#!/usr/bin/env bash
# Docker and Podman on this machine, and the images pynf's `containers` tests run in.
#
#   bash scripts/containers.sh up      # install docker.io, podman, runc, mmdebstrap from Debian if missing,
#                                      # configure Podman, start dockerd unless a Docker daemon answers,
#                                      # build the test image and tag it under every name the test modules declare
#   bash scripts/containers.sh status  # exit 0 when Docker and Podman answer and every test image is present
#   bash scripts/containers.sh down    # stop the dockerd this script started
#
# No container registry is needed: the test image is ONE Debian root filesystem (mmdebstrap) holding every
# tool the test modules call, plus bash and ps (Nextflow's task wrapper needs both).  It is imported once
# into Docker and once into Podman and tagged under each exact name the modules declare, registry included
# (e.g. quay.io/biocontainers/seqtk:1.4--he4a0461_1); `python3 -m tests.containers.images` lists them.
# The image is built from Debian $PYNF_IMAGE_SUITE (default trixie), a different release than the
# bookworm host's tools, so a test can tell from a tool's version that it ran inside the image.
#
# The root filesystem is cached in $PYNF_CONTAINERS_DIR (default /var/lib/pynf-containers) under a key of
# suite + packages; a second `up` only checks and re-tags (seconds).  Podman's settings go to
# /etc/containers/containers.conf.d/pynf.conf (runc, cgroupfs, no default ulimits: crun and systemd cgroups
# do not work on hosts with hybrid cgroups and no systemd).  Runs as root.
set -euo pipefail
cd "$(dirname "$0")/.."

STATE="$(realpath -m "${PYNF_CONTAINERS_DIR:-/var/lib/pynf-containers}")"
SUITE="${PYNF_IMAGE_SUITE:-trixie}"
MIRROR="${PYNF_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
PACKAGES=(bash procps coreutils gzip seqtk fastp bwa samtools)
PODMAN_CONF=/etc/containers/containers.conf.d/pynf.conf
DOCKER_WAIT="${PYNF_DOCKER_WAIT:-60}"

log() { echo "containers: $*" >&2; }
die() { log "$*"; exit 1; }

need_root() {
    [ "$(id -u)" -eq 0 ] || die "must run as root (installs packages, starts dockerd)"
}

image_key() {
    printf '%s\n' "$SUITE" "$MIRROR" "${PACKAGES[@]}" | sha256sum | cut -c1-12
}

base_tag() { echo "pynf-test-tools:$(image_key)"; }

install_packages() {
    local missing=()
    command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
    command -v podman >/dev/null 2>&1 || missing+=(podman)
    command -v runc >/dev/null 2>&1 || missing+=(runc)
    command -v mmdebstrap >/dev/null 2>&1 || missing+=(mmdebstrap)
    if [ "${#missing[@]}" -gt 0 ]; then
        log "installing ${missing[*]} from Debian"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=600 \
            --no-install-recommends "${missing[@]}" uidmap slirp4netns fuse-overlayfs \
            containernetworking-plugins >/dev/null
    fi
}

configure_podman() {
    local want
    want='# written by pynf scripts/containers.sh
[containers]
default_ulimits = []

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"'
    if [ "$(cat "$PODMAN_CONF" 2>/dev/null || true)" != "$want" ]; then
        mkdir -p "$(dirname "$PODMAN_CONF")"
        printf '%s\n' "$want" > "$PODMAN_CONF"
        log "wrote $PODMAN_CONF"
    fi
}

docker_up() { docker info >/dev/null 2>&1; }

start_docker() {
    if docker_up; then
        return 0
    fi
    mkdir -p "$STATE"
    log "starting dockerd (log: $STATE/dockerd.log)"
    setsid dockerd --exec-opt native.cgroupdriver=cgroupfs --iptables=false --bridge=none \
        --pidfile "$STATE/dockerd.pid" >"$STATE/dockerd.log" 2>&1 </dev/null &
    local waited=0
    until docker_up; do
        sleep 1
        waited=$((waited + 1))
        if [ "$waited" -ge "$DOCKER_WAIT" ]; then
            tail -n 20 "$STATE/dockerd.log" >&2 || true
            die "dockerd did not answer within ${DOCKER_WAIT}s"
        fi
    done
}

build_rootfs() {
    local tar="$STATE/rootfs-$(image_key).tar"
    if [ ! -s "$tar" ]; then
        mkdir -p "$STATE"
        local include
        include="$(IFS=,; echo "${PACKAGES[*]}")"
        log "building the test image's root filesystem: Debian $SUITE with $include (about a minute)"
        mmdebstrap --quiet --variant=apt --format=tar --include="$include" "$SUITE" "$tar.part" "$MIRROR" >&2
        mv "$tar.part" "$tar"
    fi
    echo "$tar"
}

# import_into ENGINE: the base image into ENGINE (docker|podman) unless it is there already
import_into() {
    local engine="$1" ref
    ref="$(base_tag)"
    [ "$engine" = podman ] && ref="localhost/$ref"
    if ! "$engine" image inspect "$ref" >/dev/null 2>&1; then
        local tar
        tar="$(build_rootfs)"
        log "importing $ref into $engine"
        if [ "$engine" = podman ]; then
            podman import --quiet "$tar" "$ref" >/dev/null
        else
            docker import "$tar" "$ref" >/dev/null
        fi
    fi
    echo "$ref"
}

image_names() {
    local names
    names="$(python3 -m tests.containers.images)" || die "cannot list the test modules' images"
    [ -n "$names" ] || die "the test modules declare no image"
    echo "$names"
}

tag_all() {
    local names engine ref name
    names="$(image_names)"
    for engine in docker podman; do
        ref="$(import_into "$engine")"
        while IFS= read -r name; do
            "$engine" tag "$ref" "$name"
        done <<< "$names"
        log "$engine: $(wc -l <<< "$names") image name(s) point at $ref"
    done
}

cmd_up() {
    need_root
    install_packages
    configure_podman
    start_docker
    podman info >/dev/null 2>&1 || die "podman does not answer: $(podman info 2>&1 | tail -n 3)"
    tag_all
}

cmd_status() {
    local ok=0 engine name names
    docker_up && log "docker: the daemon answers" || { log "docker: no daemon answers"; ok=1; }
    podman info >/dev/null 2>&1 && log "podman: answers" || { log "podman: does not answer"; ok=1; }
    [ "$ok" -eq 0 ] || return 1
    names="$(image_names)"
    for engine in docker podman; do
        while IFS= read -r name; do
            if ! "$engine" image inspect "$name" >/dev/null 2>&1; then
                log "$engine: image missing: $name"
                ok=1
            fi
        done <<< "$names"
    done
    [ "$ok" -eq 0 ] && log "every test image is present in docker and podman"
    return "$ok"
}

cmd_down() {
    local pidfile="$STATE/dockerd.pid"
    if [ -s "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
        local pid
        pid="$(cat "$pidfile")"
        log "stopping dockerd (pid $pid)"
        kill "$pid"
        for _ in $(seq 1 30); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 1
        done
    else
        log "no dockerd started by this script is running"
    fi
}

case "${1:-}" in
    up) cmd_up ;;
    status) cmd_status ;;
    down) cmd_down ;;
    *) echo "usage: $0 up|status|down" >&2; exit 2 ;;
esac
