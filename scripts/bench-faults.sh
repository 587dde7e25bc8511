#!/usr/bin/env bash
# The fault harness at full size (issue #16): FAULTS_KILLS SIGKILLs and as
# many SIGTERMs at random moments of an up of FAULTS_GROUPS*10+3 resources
# (Sync, TaskRouter, Studio, a Serverless deployment) through the built
# action, each followed by the next run and an audit of the emulator's
# inventory against the state. Prints the table. CI runs a reduced version
# (TestKillAtRandomMoments with its defaults).
set -euo pipefail
cd "$(dirname "$0")/.."
report=$(mktemp)
trap 'rm -f "$report"' EXIT
FAULTS_KILLS=${FAULTS_KILLS:-20} FAULTS_GROUPS=${FAULTS_GROUPS:-5} FAULTS_REPORT=$report \
	go test ./cmd/action -run '^TestKillAtRandomMoments$' -count=1 -timeout 60m -v | grep -E 'FAULTS_SEED|clean up of|--- (FAIL|PASS)' || true
cat "$report"
test -s "$report"
