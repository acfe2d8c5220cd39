#!/usr/bin/env bash
# A throw-away Slurm cluster on this machine, for the test suite and for trying `collectsim slurm`:
# munged, slurmctld and two slurmd nodes (n1, n2) that run jobs as the calling user, all
# configured and logged under one folder and started by hand (no systemd).
#
#   scripts/slurm-minicluster.sh start DIR   installs slurm-wlm and munge when missing (Debian),
#                                            starts the daemons, waits until both nodes are idle,
#                                            prints `export SLURM_CONF=DIR/slurm.conf`
#   scripts/slurm-minicluster.sh stop DIR    stops exactly the processes `start` started (DIR/pids)
#
# Exit status 77 from start: Slurm cannot be installed here (the tests then skip, saying why).
set -euo pipefail
action=${1:?usage: slurm-minicluster.sh start|stop DIR}
dir=$(mkdir -p "${2:?usage: slurm-minicluster.sh start|stop DIR}" && cd "$2" && pwd)

stop() {
  [ -f "$dir/pids" ] || return 0
  while read -r pid; do kill "$pid" 2>/dev/null || true; done < "$dir/pids"
  for _ in $(seq 50); do
    alive=0
    while read -r pid; do kill -0 "$pid" 2>/dev/null && alive=1; done < "$dir/pids"
    [ $alive -eq 0 ] && break
    sleep 0.1
  done
  while read -r pid; do kill -9 "$pid" 2>/dev/null || true; done < "$dir/pids"
  rm -f "$dir/pids"
}

if [ "$action" = stop ]; then stop; exit 0; fi
[ "$action" = start ] || { echo "usage: slurm-minicluster.sh start|stop DIR" >&2; exit 2; }

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null || ! command -v sbatch >/dev/null; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo -n"
  if ! command -v apt-get >/dev/null; then echo "cannot install Slurm: no apt-get on this machine" >&2; exit 77; fi
  export DEBIAN_FRONTEND=noninteractive
  if ! $SUDO apt-get install -y -qq slurm-wlm munge >"$dir/install.log" 2>&1; then
    $SUDO apt-get update -qq >>"$dir/install.log" 2>&1 || true
    if ! $SUDO apt-get install -y -qq slurm-wlm munge >>"$dir/install.log" 2>&1; then
      echo "cannot install Slurm (apt-get install slurm-wlm munge failed; see $dir/install.log)" >&2; exit 77
    fi
  fi
fi

stop
user=$(id -un)
mkdir -p "$dir/state" "$dir/spool-n1" "$dir/spool-n2" "$dir/munge"
chmod 711 "$dir/munge"
[ -f "$dir/munge/munge.key" ] || { dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none; chmod 400 "$dir/munge/munge.key"; }
cat > "$dir/slurm.conf" <<CONF
ClusterName=collectsim-test
SlurmctldHost=$(hostname -s)(127.0.0.1)
SlurmctldPort=6817
SlurmdPort=6818
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.socket,cred_expire=10
SlurmUser=$user
SlurmdUser=$user
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool-%n
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd-%n.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd-%n.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
ReturnToService=2
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0,sched_interval=1,bf_interval=1
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/none
InactiveLimit=0
KillWait=5
MinJobAge=600
NodeName=n1 NodeHostname=$(hostname -s) NodeAddr=127.0.0.1 Port=6818 CPUs=1 RealMemory=2000 State=UNKNOWN
NodeName=n2 NodeHostname=$(hostname -s) NodeAddr=127.0.0.1 Port=6819 CPUs=1 RealMemory=2000 State=UNKNOWN
PartitionName=test Nodes=n1,n2 Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$dir/slurm.conf"
: > "$dir/pids"
# Starts a daemon in the background with only stdin, stdout and stderr open: a descriptor it
# inherited would stay open for as long as it runs, and the caller (a test waiting on a pipe or
# on Foundation's process-exit socket) would wait for it too.
detached() {
  ( for fd in $(ls /proc/$BASHPID/fd); do [ "$fd" -gt 2 ] && eval "exec $fd>&-" 2>/dev/null; done; exec "$@" ) &
  echo $! >> "$dir/pids"
}
detached munged --force --socket="$dir/munge/munge.socket" --key-file="$dir/munge/munge.key" --pid-file="$dir/munge/munged.pid" \
  --log-file="$dir/munge/munged.log" --seed-file="$dir/munge/munged.seed" --foreground >"$dir/munged.out" 2>&1
for _ in $(seq 50); do [ -S "$dir/munge/munge.socket" ] && break; sleep 0.1; done
detached slurmctld -D -i -f "$dir/slurm.conf" >"$dir/slurmctld.out" 2>&1
for n in n1 n2; do detached slurmd -D -N $n -f "$dir/slurm.conf" >"$dir/slurmd-$n.out" 2>&1; done
for _ in $(seq 150); do
  idle=$(sinfo -h -N -o '%N %t' 2>/dev/null | grep -c ' idle' || true)
  [ "$idle" -ge 2 ] && { echo "export SLURM_CONF=$dir/slurm.conf"; exit 0; }
  sleep 0.2
done
echo "the Slurm daemons did not come up within 30 s; logs in $dir:" >&2
tail -n 5 "$dir"/slurmctld.log "$dir"/slurmd-*.log "$dir"/*.out >&2 || true
stop
exit 1
