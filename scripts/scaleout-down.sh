#!/usr/bin/env bash
# Stops what scripts/scaleout-up.sh started, by the pids in its pid files (never by process name),
# restores a slurm.conf it replaced, and deletes its state folder. Its own jobs still queued are cancelled first.
set -uo pipefail
DIR="${DECLARATIVE_SCALEOUT_DIR:-/tmp/declarative-scaleout}"
BASE="$DIR/slurm"
stop() { # pid file, name
  [ -s "$1" ] || return 0
  local pid; pid="$(cat "$1")"
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  echo "warning: $2 ($pid) did not stop; sending SIGKILL" >&2; kill -9 "$pid" 2>/dev/null
}
# Only the sweeps' job arrays (named "declarative"), on the cluster this set-up started.
if [ -s "$BASE/slurmctld.pid" ] && command -v scancel >/dev/null 2>&1; then
  scancel --name=declarative --user="$(id -un)" 2>/dev/null; sleep 1
fi
stop "$BASE/slurmd.pid" slurmd
stop "$BASE/slurmctld.pid" slurmctld
if [ -e "$DIR/munged.started" ]; then stop /run/munge/munged.pid munged; rm -f "$DIR/munged.started"; fi
if [ -s "$DIR/pg/PG_VERSION" ]; then
  PGBIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$DIR/pg" -m fast -w stop >/dev/null 2>&1 || true
fi
if grep -qs "Written by scripts/scaleout-up.sh (Declarative)" /etc/slurm/slurm.conf; then
  if [ -e /etc/slurm/slurm.conf.declarative-backup ]; then
    mv -f /etc/slurm/slurm.conf.declarative-backup /etc/slurm/slurm.conf && echo "Slurm: restored the original /etc/slurm/slurm.conf."
  else
    rm -f /etc/slurm/slurm.conf
  fi
fi
rm -rf "$DIR"
echo "Scale-out set-up stopped and $DIR removed."
