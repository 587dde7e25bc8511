package container

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParse(t *testing.T) {
	t.Parallel()
	cases := []struct {
		file    string
		want    Stage  // the final stage
		bin     string // the build stage's tools.sh BIN
		wantErr string
	}{
		{file: "files.Dockerfile", bin: "/opt/x/bin", want: Stage{
			From:       "gcr.io/distroless/static-debian12:latest",
			Copies:     []Copy{{From: "build", Srcs: []string{"/opt/x/bin/action", "/opt/x/bin/pulumi"}, Dst: "/opt/x/bin/"}},
			Env:        [][2]string{{"PATH", "/opt/x/bin:/usr/bin"}, {"PULUMI_HOME", "/github/home/.pulumi"}, {"QUOTED", "a b"}, {"OLD", "1"}},
			Entrypoint: []string{"/opt/x/bin/action"},
		}},
		{file: "folder.Dockerfile", bin: "/opt/x/bin", want: Stage{
			From:    "gcr.io/distroless/static-debian12@sha256:0123456789abcdef",
			Copies:  []Copy{{From: "build", Srcs: []string{"/opt/x/bin/"}, Dst: "/opt/x/bin/"}},
			User:    "65532:65532",
			Workdir: "/home/nonroot",
			// The shell form, as Docker runs it: through a shell the image lacks.
			Entrypoint: []string{"/bin/sh", "-c", "/opt/x/bin/action --flag"},
		}},
		{file: "chown.Dockerfile", wantErr: "--chown is not modelled"},
		{file: "tworun.Dockerfile", wantErr: "the destination must end with /"},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			t.Parallel()
			b, err := os.ReadFile(filepath.Join("testdata", "dockerfile", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			d, err := Parse(string(b))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Parse: %v, want an error with %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(d.Stages) != 2 || d.Stages[0].Name != "build" {
				t.Fatalf("stages %+v", d.Stages)
			}
			if got := d.Stages[0].ToolsBin(); got != tc.bin {
				t.Errorf("ToolsBin %q, want %q", got, tc.bin)
			}
			if diff := cmp.Diff(tc.want, *d.Final()); diff != "" {
				t.Errorf("final stage (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	for _, text := range []string{
		"",
		"COPY a /b",
		"FROM x\nBOGUS y",
		"FROM x\nCOPY --from=b\n",
		"FROM x\nADD https://example.com/tool /bin/",
		`FROM x` + "\n" + `ENTRYPOINT ["unterminated`,
		"FROM x\nENV K=\"open",
	} {
		if _, err := Parse(text); err == nil {
			t.Errorf("Parse(%q) succeeded; want an error", text)
		}
	}
}

func TestBaseMatches(t *testing.T) {
	t.Parallel()
	for from, want := range map[string]bool{
		"gcr.io/distroless/static-debian12":                    true,
		"gcr.io/distroless/static-debian12:latest":             true,
		"gcr.io/distroless/static-debian12:nonroot@sha256:abc": true,
		"gcr.io/distroless/static-debian12@sha256:abc":         true,
		"gcr.io/distroless/base-debian12":                      false,
		"alpine:3":                                             false,
	} {
		if got := BaseImage.Matches(from); got != want {
			t.Errorf("Matches(%q) = %v, want %v", from, got, want)
		}
	}
}
