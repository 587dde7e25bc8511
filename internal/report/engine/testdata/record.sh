#!/usr/bin/env bash
# Records the engine event fixtures (*.jsonl) from real runs of bin/pulumi
# on the programs under programs/. Those need no provider plugin: the
# resources are the engine's built-in pulumi:index:Stash and
# pulumi:pulumi:StackReference. The twilio-* fixtures run our provider
# against bin/twilio-emulator (examples/twilio-ivr, then a change to it,
# then changes made behind Pulumi's back for the drift check).
# Run from anywhere after `make tools`:
#   internal/report/engine/testdata/record.sh
# The event log is what the Automation API reads (--event-log), so the
# fixtures are exactly what Collector receives in the Action.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../../.." && pwd)
tmp=$(mktemp -d)
emu=""
trap '[ -n "$emu" ] && kill "$emu"; rm -rf "$tmp"' EXIT
export PATH="$root/bin:$PATH" PULUMI_HOME="$tmp/home" PULUMI_BACKEND_URL="file://$tmp/state" \
  PULUMI_CONFIG_PASSPHRASE=record PULUMI_SKIP_UPDATE_CHECK=true \
  PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true NO_COLOR=1 PULUMI_DEBUG_COMMANDS=true
mkdir -p "$tmp/state" "$tmp/work"
cd "$tmp/work"

use() { cp "$here/programs/$1/Pulumi.yaml" Pulumi.yaml; }
rec() { # rec NAME pulumi-args...
  local name=$1; shift
  pulumi "$@" --non-interactive --event-log="$here/$name.jsonl" >"$tmp/$name.out" 2>&1 || true
  echo "recorded $name.jsonl ($(wc -l <"$here/$name.jsonl") events)"
}

use v1
pulumi stack init dev >/dev/null
rec preview-create preview
rec up-create up --yes
rec preview-same preview
use v2
rec preview-update preview
pulumi up --yes --non-interactive >/dev/null
use v3
rec preview-mix preview
rec up-mix up --yes
rec refresh refresh --yes
rec drift-none refresh --preview-only
rec preview-refresh preview --refresh
rec destroy destroy --yes

use fail
pulumi stack init fail >/dev/null
rec up-fail up --yes

use hostile
pulumi stack init hostile >/dev/null
rec preview-hostile preview

# Twilio: the example program against the emulator.
ac=AC0123456789abcdef0123456789abcdef
tok=abcdef0123456789abcdef0123456789
"$root/bin/twilio-emulator" -strict -addr 127.0.0.1:0 -account-sid "$ac" -auth-token "$tok" >"$tmp/emulator.log" 2>&1 &
emu=$!
for _ in $(seq 50); do grep -q listening "$tmp/emulator.log" && break; sleep 0.1; done
url=$(grep -o 'http://[0-9.:]*' "$tmp/emulator.log" | head -1)
export TWILIO_ACCOUNT_SID=$ac TWILIO_AUTH_TOKEN=$tok TWILIO_API_URL=$url
cp "$root/examples/twilio-ivr/Pulumi.yaml" Pulumi.yaml
pulumi stack init twilio >/dev/null
pulumi up --yes --non-interactive >/dev/null 2>&1
sed -i 's/friendlyName: ivr-state-/friendlyName: ivr-state-v2-/; s/uniqueName: ivr-menus/uniqueName: ivr-menus-v2/' Pulumi.yaml
rec twilio-preview preview
rec twilio-up up --yes
is=$(pulumi stack output syncServiceSid)
ws=$(pulumi stack output workspaceSid)
curl -sf -o /dev/null -u "$ac:$tok" -H "Host: sync.twilio.com" "$url/v1/Services/$is" -d FriendlyName=edited-in-console
curl -sf -o /dev/null -u "$ac:$tok" -H "Host: taskrouter.twilio.com" -X DELETE "$url/v1/Workspaces/$ws"
rec twilio-drift refresh --preview-only
