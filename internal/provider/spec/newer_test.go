package spec

import (
	"bufio"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tdeploy/twilio-deploy-action/internal/catalog"
)

// knownNewer are resource types of the newer spec (testdata/newer-spec.txt,
// written by scripts/newer-spec.sh) that the catalog does not have yet,
// each with what it is and why it waits. Regenerating the catalog is the
// lead's call; this list keeps a newly published type from going unseen.
//
// It is empty: testdata/newer-spec.txt is @twilio/cli-core@9.0.0, the
// newest release on npm and the catalog's own source, so the catalog has
// every type of it, the Microvisor account and device configs and secrets
// (offered as twilio:microvisor/v1:AccountConfig, AccountSecret,
// DeviceConfig, DeviceSecret) and the Intelligence operator attachments
// (intelligence/v2:OperatorAttachment, OperatorAttachments) included.
var knownNewer = map[string]string{}

// newerTypes compares the newer spec's tokens with the catalog's: unseen
// are newer tokens neither in the catalog nor known; stale are known
// entries that the catalog now has or the newer spec no longer has.
func newerTypes(newer []string, have map[string]bool, known map[string]string) (unseen, stale []string) {
	inNewer := map[string]bool{}
	for _, tok := range newer {
		inNewer[tok] = true
		if _, ok := known[tok]; !have[tok] && !ok {
			unseen = append(unseen, tok)
		}
	}
	for tok := range known {
		if have[tok] || !inNewer[tok] {
			stale = append(stale, tok)
		}
	}
	slices.Sort(stale)
	return unseen, stale
}

func TestNewerTypes(t *testing.T) {
	t.Parallel()
	have := map[string]bool{"sync/v1:Service": true, "microvisor/v1:App": true}
	for _, tc := range []struct {
		name          string
		newer         []string
		known         map[string]string
		unseen, stale []string
	}{
		{"same", []string{"sync/v1:Service"}, nil, nil, nil},
		{"new type", []string{"sync/v1:Service", "microvisor/v1:AccountConfig"}, nil, []string{"microvisor/v1:AccountConfig"}, nil},
		{"known", []string{"microvisor/v1:AccountConfig"}, map[string]string{"microvisor/v1:AccountConfig": "r"}, nil, nil},
		{"known, now in the catalog", []string{"microvisor/v1:App"}, map[string]string{"microvisor/v1:App": "r"}, nil, []string{"microvisor/v1:App"}},
		{"known, gone from the spec", nil, map[string]string{"x/v1:Gone": "r"}, nil, []string{"x/v1:Gone"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			unseen, stale := newerTypes(tc.newer, have, tc.known)
			if d := cmp.Diff(tc.unseen, unseen); d != "" {
				t.Errorf("unseen (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tc.stale, stale); d != "" {
				t.Errorf("stale (-want +got):\n%s", d)
			}
		})
	}
}

// TestNewerSpec fails on a type of the newer spec that the catalog lacks
// and knownNewer does not explain, and on a knownNewer entry that no
// longer applies.
func TestNewerSpec(t *testing.T) {
	t.Parallel()
	f, err := os.Open("testdata/newer-spec.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var newer []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" && !strings.HasPrefix(line, "#") {
			newer = append(newer, line)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(newer) < 500 {
		t.Fatalf("testdata/newer-spec.txt has %d tokens; regenerate it with scripts/newer-spec.sh", len(newer))
	}
	have := map[string]bool{}
	for _, r := range catalog.MustLoad().Resources {
		have[r.Token()] = true
	}
	unseen, stale := newerTypes(newer, have, knownNewer)
	for _, tok := range unseen {
		t.Errorf("%s is in the newer spec but not in the catalog: add it to knownNewer with what it is and why it waits, or regenerate the catalog (scripts/gen-catalog.sh)", tok)
	}
	for _, tok := range stale {
		t.Errorf("knownNewer[%q] no longer applies (the catalog has it, or the newer spec does not); remove it", tok)
	}
	for tok, reason := range knownNewer {
		if strings.TrimSpace(reason) == "" {
			t.Errorf("knownNewer[%q] has no reason", tok)
		}
	}
}
