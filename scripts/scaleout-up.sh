#!/usr/bin/env bash
# Brings up, on this one machine, what a scale-out run needs: a throwaway PostgreSQL server and a
# one-node Slurm cluster (slurmctld + slurmd + munged). Installs postgresql, slurm-wlm and munge
# (Debian 12) when they are missing. Idempotent: what already runs is left as it is.
#
#   scripts/scaleout-up.sh            # then: source "$DECLARATIVE_SCALEOUT_DIR/env" (default /tmp/declarative-scaleout/env)
#   scripts/scaleout-down.sh          # stops what this script started
#
# Environment: DECLARATIVE_SCALEOUT_DIR (state folder), DECLARATIVE_PG_PORT (default 55432),
# DECLARATIVE_SLURM_CPUS (CPUs the node offers Slurm; default max(4, nproc), so that 4 one-CPU
# array tasks run at once even on 2 cores). Needs root (it writes /etc/slurm/slurm.conf).
set -euo pipefail
DIR="${DECLARATIVE_SCALEOUT_DIR:-/tmp/declarative-scaleout}"
PG_PORT="${DECLARATIVE_PG_PORT:-55432}"
NPROC="$(nproc)"
CPUS="${DECLARATIVE_SLURM_CPUS:-$(( NPROC > 4 ? NPROC : 4 ))}"
H="$(hostname -s)"
[ "$(id -u)" -eq 0 ] || { echo "error: run as root (Slurm's daemons and /etc/slurm/slurm.conf need it)" >&2; exit 1; }
mkdir -p "$DIR"
chmod 0755 "$DIR"

# --- packages: never let their scripts start services -------------------------------------------
missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v slurmctld >/dev/null 2>&1 || missing+=(slurm-wlm)
command -v munged >/dev/null 2>&1 || [ -x /usr/sbin/munged ] || missing+=(munge)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing ${missing[*]}"
  created_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; created_policy=1; fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  [ "$created_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d
fi
PGBIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"

# --- PostgreSQL: a throwaway cluster owned by the unprivileged user postgres ---------------------
id postgres >/dev/null 2>&1 || useradd --system --home-dir "$DIR" --shell /usr/sbin/nologin postgres
PGDATA="$DIR/pg"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  install -d -o postgres -g postgres -m 0700 "$PGDATA"
  install -d -o postgres -g postgres -m 0755 "$DIR/pgsocket"
  runuser -u postgres -- "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$DIR/initdb.log"
  cat >>"$PGDATA/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$DIR/pgsocket'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 64MB
CONF
fi
if ! runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/postgres.log" -w -t 60 start >/dev/null
fi
echo "PostgreSQL: 127.0.0.1:$PG_PORT (user postgres, trust), data $PGDATA"

# --- munge ----------------------------------------------------------------------------------------
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  [ -s /etc/munge/munge.key ] || { runuser -u munge -- /usr/sbin/mungekey --create 2>/dev/null || dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 2>/dev/null; chown munge:munge /etc/munge/munge.key; chmod 0400 /etc/munge/munge.key; }
  install -d -o munge -g munge -m 0755 /run/munge
  runuser -u munge -- /usr/sbin/munged
  touch "$DIR/munged.started"
  for _ in $(seq 50); do munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.1; done
fi
echo "munge: $(munge -n | unmunge | grep STATUS)"

# --- Slurm: one node, no accounting, no cgroups ----------------------------------------------------
BASE="$DIR/slurm"
install -d -o slurm -g slurm "$BASE" "$BASE/log" "$BASE/state" "$BASE/spool"
mkdir -p /etc/slurm
# Keep a slurm.conf that is not ours: scaleout-down.sh puts it back.
if [ -e /etc/slurm/slurm.conf ] && ! grep -q "Written by scripts/scaleout-up.sh (Declarative)" /etc/slurm/slurm.conf \
   && [ ! -e /etc/slurm/slurm.conf.declarative-backup ]; then
  cp -p /etc/slurm/slurm.conf /etc/slurm/slurm.conf.declarative-backup
  echo "Slurm: kept the existing /etc/slurm/slurm.conf as /etc/slurm/slurm.conf.declarative-backup (scaleout-down.sh restores it)."
fi
cat >/etc/slurm/slurm.conf <<CONF
# Written by scripts/scaleout-up.sh (Declarative): a one-node cluster for trying scale-out.
ClusterName=declarative
SlurmctldHost=$H(127.0.0.1)
SlurmUser=slurm
AuthType=auth/munge
StateSaveLocation=$BASE/state
SlurmdSpoolDir=$BASE/spool
SlurmctldPidFile=$BASE/slurmctld.pid
SlurmdPidFile=$BASE/slurmd.pid
SlurmctldLogFile=$BASE/log/slurmctld.log
SlurmdLogFile=$BASE/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SlurmdParameters=config_overrides
ReturnToService=2
MinJobAge=300
KillWait=5
SchedulerParameters=batch_sched_delay=0
NodeName=$H NodeAddr=127.0.0.1 CPUs=$CPUS State=UNKNOWN
PartitionName=debug Nodes=$H Default=YES MaxTime=INFINITE State=UP
CONF
alive() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
alive "$BASE/slurmctld.pid" || /usr/sbin/slurmctld
for _ in $(seq 100); do alive "$BASE/slurmctld.pid" && scontrol ping >/dev/null 2>&1 && break; sleep 0.1; done
alive "$BASE/slurmd.pid" || /usr/sbin/slurmd
state=""
for _ in $(seq 300); do
  state="$(sinfo -h -n "$H" -o %t 2>/dev/null || true)"
  case "$state" in idle|mix|alloc) break ;; esac
  sleep 0.1
done
case "$state" in idle|mix|alloc) ;; *) echo "error: the Slurm node did not come up (state '$state'); see $BASE/log" >&2; exit 1 ;; esac
echo "Slurm: node $H with $CPUS CPU(s) is $state, partition debug"

cat >"$DIR/env" <<ENV
# source this file: the store the scale-out tests and a trial run use
export DECLARATIVE_SCALEOUT_PG='Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=postgres'
export DECLARATIVE_STORE_EXAMPLE='postgres://postgres@127.0.0.1:$PG_PORT/postgres'
ENV
echo "Ready. source $DIR/env"
