package mask_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/tdeploy/twilio-deploy-action/internal/mask"
)

func TestString(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		secrets []string
		in      string
		want    string
	}{
		{"none", nil, "token=abcdef12", "token=abcdef12"},
		{"one", []string{"abcdef12"}, "token=abcdef12.", "token=***."},
		{"every occurrence", []string{"abcdef12"}, "abcdef12 abcdef12", "*** ***"},
		// The case of issue #13: masking one value first cut the other.
		{"overlapping", []string{"abcdef12", "ef12ghij"}, "token=abcdef12ghij", "token=***"},
		{"overlapping, other order", []string{"ef12ghij", "abcdef12"}, "token=abcdef12ghij", "token=***"},
		{"touching", []string{"abcd1234", "wxyz5678"}, "abcd1234wxyz5678!", "***!"},
		{"contained", []string{"secret", "secret-longer"}, "a secret-longer and a secret", "a *** and a ***"},
		{"self-overlap", []string{"abab"}, "ababab", "***"},
		{"chain of three", []string{"aaaa1111", "1111bbbb", "bbbb2222"}, "x aaaa1111bbbb2222 y", "x *** y"},
		{"too short to mask", []string{"abc"}, "abc abcd", "abc abcd"},
		{"empty", []string{""}, "text", "text"},
		{"multi-line, line alone", []string{"line-one\nline-two"}, "see line-two here", "see *** here"},
		{"multi-line, whole", []string{"line-one\nline-two"}, "x line-one\nline-two y", "x *** y"},
		{"utf-8", []string{"pässwörd"}, "»pässwörd«", "»***«"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := mask.New(tc.secrets...).String(tc.in); got != tc.want {
				t.Errorf("String(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestNilSet(t *testing.T) {
	t.Parallel()
	var s *mask.Set
	if got := s.String("abcdef12"); got != "abcdef12" {
		t.Errorf("nil Set changed the text: %q", got)
	}
	if s.Values() != nil {
		t.Error("nil Set has values")
	}
}

func isAddMask(line []byte) bool { return bytes.HasPrefix(line, []byte("::add-mask::")) }

func TestWriter(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		writes []string
		want   string
	}{
		{"whole lines", []string{"token=abcdef12ghij\n", "ok\n"}, "token=***\nok\n"},
		// A secret split across two Writes is masked once the line is whole.
		{"split secret", []string{"token=abcd", "ef12 and ef1", "2ghij\n"}, "token=*** and ***\n"},
		{"split overlap", []string{"token=abcdef", "12ghij\n"}, "token=***\n"},
		{"unterminated line, flushed", []string{"tail abcdef12"}, "tail ***"},
		{"add-mask passes", []string{"::add-mask::abcdef12\nx abcdef12\n"}, "::add-mask::abcdef12\nx ***\n"},
		{"add-mask split", []string{"::add-mask::abc", "def12\n"}, "::add-mask::abcdef12\n"},
		{"multi-line secret in one write", []string{"key:\nBEGIN-x\nEND-y\n"}, "key:\n***\n"},
		{"text around raw lines", []string{"a abcdef12\n::add-mask::ef12ghij\nb ef12ghij\n"}, "a ***\n::add-mask::ef12ghij\nb ***\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			w := mask.NewWriter(&buf, mask.New("abcdef12", "ef12ghij", "BEGIN-x\nEND-y"), isAddMask)
			for _, p := range tc.writes {
				n, err := w.Write([]byte(p))
				if err != nil || n != len(p) {
					t.Fatalf("Write(%q) = %d, %v", p, n, err)
				}
			}
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			if got := buf.String(); got != tc.want {
				t.Errorf("wrote %q, want %q", got, tc.want)
			}
		})
	}
}

// TestWriterHoldsPartialLine: nothing of an unterminated line is passed
// on before it ends (or Flush), since its end may complete a secret.
func TestWriterHoldsPartialLine(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	w := mask.NewWriter(&buf, mask.New("abcdef12"), nil)
	w.Write([]byte("done\nsecret abcd"))
	if got := buf.String(); got != "done\n" {
		t.Fatalf("passed on %q before the line ended", got)
	}
	w.Write([]byte("ef12\n"))
	if got := buf.String(); got != "done\nsecret ***\n" {
		t.Fatalf("got %q", got)
	}
}

// TestNoFragment: for many ways two overlapping secrets can meet in a
// text, written in every split, no 4-character piece of either survives.
func TestNoFragment(t *testing.T) {
	t.Parallel()
	secrets := []string{"abcdef12", "ef12ghij", "12gh"}
	set := mask.New(secrets...)
	texts := []string{"token=abcdef12ghij", "abcdef12ef12ghij", "ef12ghijabcdef12", "xabcdef12ghijabcdef12ghijx", "abcdef12\nef12ghij"}
	for _, text := range texts {
		for cut := 0; cut <= len(text); cut++ {
			var buf bytes.Buffer
			w := mask.NewWriter(&buf, set, nil)
			w.Write([]byte(text[:cut]))
			w.Write([]byte(text[cut:] + "\n"))
			for _, out := range []string{buf.String(), set.String(text)} {
				for _, s := range secrets {
					for i := 0; i+4 <= len(s); i++ {
						if strings.Contains(out, s[i:i+4]) {
							t.Errorf("text %q cut at %d: %q shows %q of a secret", text, cut, out, s[i:i+4])
						}
					}
				}
			}
		}
	}
}

// BenchmarkString masks a 256 KiB engine log (the size the action keeps
// for the report) with ten 32-character secrets, three of them present.
func BenchmarkString(b *testing.B) {
	var secrets []string
	for i := range 10 {
		secrets = append(secrets, strings.Repeat(string(rune('a'+i)), 28)+"1234")
	}
	set := mask.New(secrets...)
	line := "create   twilio:sync/v1:Service state [friendlyName] " + secrets[0] + " " + secrets[5] + secrets[9] + "\n"
	text := strings.Repeat(line, (256<<10)/len(line))
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		_ = set.String(text)
	}
}
