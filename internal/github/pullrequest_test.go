package github_test

import (
	"testing"

	"github.com/tdeploy/twilio-deploy-action/internal/github"
)

func TestGraphQLURL(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"https://api.github.com/":         "https://api.github.com/graphql",
		"https://api.github.com":          "https://api.github.com/graphql",
		"https://ghe.example.com/api/v3/": "https://ghe.example.com/api/graphql",
		"http://127.0.0.1:5555/api/v3":    "http://127.0.0.1:5555/api/graphql",
	} {
		if got, err := github.GraphQLURL(in); err != nil || got != want {
			t.Errorf("GraphQLURL(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}
