#!/usr/bin/env bash
# The fault scenarios at full size (issue #16), through the built action,
# each audited (the emulator's inventory against the state):
#   - FAULTS_SIGKILLS SIGKILLs and FAULTS_SIGTERMS SIGTERMs at random
#     moments of an up of FAULTS_GROUPS*10+3 resources (Sync, TaskRouter,
#     Studio, a Serverless deployment), each followed by the next run;
#   - the SIGKILL before the run records itself, and the throttled give-up;
#   - an up of FAULTS_THROTTLE_GROUPS*10+3 resources under 20% 429, 5% 503
#     and 1% lost connections, beside the fault-free one;
#   - FAULTS_BRANCHES branches at once on one backend, and two runs of one
#     stack at once.
# Prints the tables and fails when a scenario fails; the whole log is in
# FAULTS_LOG. CI runs the same tests at their reduced defaults.
set -euo pipefail
cd "$(dirname "$0")/.."
report=$(mktemp)
log=${FAULTS_LOG:-$(mktemp)}
trap 'rm -f "$report"' EXIT
rc=0
FAULTS_SIGKILLS=${FAULTS_SIGKILLS:-20} FAULTS_SIGTERMS=${FAULTS_SIGTERMS:-20} FAULTS_GROUPS=${FAULTS_GROUPS:-5} \
	FAULTS_THROTTLE_GROUPS=${FAULTS_THROTTLE_GROUPS:-20} FAULTS_BRANCHES=${FAULTS_BRANCHES:-10} FAULTS_REPORT=$report \
	go test ./cmd/action -run "${FAULTS_RUN:-^(TestKillAtRandomMoments|TestKilledBeforeRecorded|TestThrottledAtScale|TestThrottledGivesUp|TestConcurrentBranches|TestTwoRunsOneStack)\$}" \
	-count=1 -timeout 90m -v >"$log" 2>&1 || rc=$?
grep -E 'FAULTS_SEED|clean up of|gave up after|--- (FAIL|SKIP|PASS): Test[A-Za-z]+ ' "$log" || true
cat "$report"
echo "log: $log"
exit "$rc"
