#!/usr/bin/env bash
# The fault harness at full size (issue #16): FAULTS_SIGKILLS SIGKILLs and
# FAULTS_SIGTERMS SIGTERMs at random moments of an up of
# FAULTS_GROUPS*10+3 resources (Sync, TaskRouter, Studio, a Serverless
# deployment) through the built action, each followed by the next run and
# an audit of the emulator's inventory against the state. Prints the table
# and fails when a kill was not survived; the whole log is in FAULTS_LOG.
# CI runs a reduced version (TestKillAtRandomMoments with its defaults).
set -euo pipefail
cd "$(dirname "$0")/.."
report=$(mktemp)
log=${FAULTS_LOG:-$(mktemp)}
trap 'rm -f "$report"' EXIT
rc=0
FAULTS_SIGKILLS=${FAULTS_SIGKILLS:-20} FAULTS_SIGTERMS=${FAULTS_SIGTERMS:-20} FAULTS_GROUPS=${FAULTS_GROUPS:-5} FAULTS_REPORT=$report \
	go test ./cmd/action -run '^TestKillAtRandomMoments$' -count=1 -timeout 60m -v >"$log" 2>&1 || rc=$?
grep -E 'FAULTS_SEED|clean up of|--- (FAIL|SKIP)' "$log" || true
cat "$report"
echo "log: $log"
exit "$rc"
