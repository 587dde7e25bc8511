package dotenv

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, src string
		want      map[string]string
		wantErr   string
	}{
		{name: "plain", src: "A=1\nB = two \n", want: map[string]string{"A": "1", "B": "two"}},
		{name: "comments and blanks", src: "# c\n\nA=1 # note\n", want: map[string]string{"A": "1"}},
		{name: "export", src: "export A=1", want: map[string]string{"A": "1"}},
		{name: "double quoted escapes", src: `A="x\ny \"q\""`, want: map[string]string{"A": "x\ny \"q\""}},
		{name: "multi-line", src: "A=\"one\ntwo\"\nB=3", want: map[string]string{"A": "one\ntwo", "B": "3"}},
		{name: "single quoted literal", src: `A='x\n # y'`, want: map[string]string{"A": `x\n # y`}},
		{name: "hash inside value", src: "A=abc#def", want: map[string]string{"A": "abc#def"}},
		{name: "later wins", src: "A=1\nA=2", want: map[string]string{"A": "2"}},
		{name: "empty value", src: "A=", want: map[string]string{"A": ""}},
		{name: "crlf", src: "A=1\r\nB=2\r\n", want: map[string]string{"A": "1", "B": "2"}},
		{name: "no equals", src: "A=1\nJUNK", wantErr: "line 2: want KEY=VALUE"},
		{name: "bad key", src: "1A=x", wantErr: "line 1: want KEY=VALUE"},
		{name: "unterminated", src: "A=\"open", wantErr: "line 1: unterminated double quote"},
		{name: "trailing text", src: "A='x' y", wantErr: "line 1: text after the closing quote"},
		{name: "equals in value", src: "E=a=b", want: map[string]string{"E": "a=b"}},
		{name: "inner spaces kept", src: "export B = two words ", want: map[string]string{"B": "two words"}},
		{name: "dash in key", src: "A-B=x", wantErr: "line 1: want KEY=VALUE"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := Parse(tc.src)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
