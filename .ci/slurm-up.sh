#!/usr/bin/env bash
# Starts a single-node Slurm cluster on this machine, for the sweep
# integration test (package sweep, TestSlurm...). Runs as root, without
# systemd: installs slurm-wlm and munge if needed, creates a munge key,
# starts munged, writes /etc/slurm/slurm.conf with the node line that
# 'slurmd -C' prints, starts slurmctld and slurmd, and waits until sinfo
# shows the node idle. Idempotent: when the node is already up it only says so.
set -euo pipefail

node_state() { sinfo -h -N -o '%t' 2>/dev/null | head -n1 || true; }

if command -v sinfo >/dev/null 2>&1; then
	case "$(node_state)" in
	idle | mix | alloc | comp)
		echo "slurm: already up ($(sinfo -h -N -o '%N %t %c CPUs'))"
		exit 0
		;;
	esac
fi

if [ "$(id -u)" != 0 ]; then
	echo "slurm-up: must run as root" >&2
	exit 1
fi

if ! command -v slurmctld >/dev/null 2>&1 || ! command -v slurmd >/dev/null 2>&1 || ! command -v munged >/dev/null 2>&1; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq slurm-wlm munge >/dev/null
fi

# munge: a key readable only by the munge user, and the daemon.
install -d -o munge -g munge -m 0700 /etc/munge /var/lib/munge /var/log/munge
install -d -o munge -g munge -m 0755 /run/munge
if [ ! -s /etc/munge/munge.key ]; then
	dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
fi
chown munge:munge /etc/munge/munge.key
chmod 0400 /etc/munge/munge.key
if ! munge -n >/dev/null 2>&1; then
	runuser -u munge -- /usr/sbin/munged
	for _ in $(seq 1 20); do
		munge -n >/dev/null 2>&1 && break
		sleep 0.5
	done
fi
munge -n | unmunge >/dev/null

# slurm.conf: one node, this machine, as slurmd -C describes it.
host=$(hostname -s)
nodeline=$(slurmd -C | head -n1)
install -d /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm
cat >/etc/slurm/slurm.conf <<EOF
# Written by .ci/slurm-up.sh: a single-node cluster for tests.
ClusterName=ci
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
ProctrackType=proctrack/pgid
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
ReturnToService=2
MpiDefault=none
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
MaxArraySize=1001
$nodeline
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF

if ! scontrol ping 2>/dev/null | grep -q UP; then
	slurmctld
fi
if [ ! -s /run/slurmd.pid ] || ! kill -0 "$(cat /run/slurmd.pid)" 2>/dev/null; then
	slurmd
fi

for _ in $(seq 1 120); do
	case "$(node_state)" in
	idle | mix | alloc | comp)
		echo "slurm: up ($(sinfo -h -N -o '%N %t %c CPUs'))"
		exit 0
		;;
	down* | drain* | drng*)
		scontrol update nodename="$host" state=resume 2>/dev/null || true
		;;
	esac
	sleep 1
done
echo "slurm-up: the node did not become idle within 2 minutes:" >&2
sinfo -N -l >&2 || true
tail -n 20 /var/log/slurm/slurmctld.log /var/log/slurm/slurmd.log >&2 || true
exit 1
