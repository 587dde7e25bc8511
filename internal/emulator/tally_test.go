package emulator

import (
	"net/http"
	"testing"
)

func TestTally(t *testing.T) {
	up := "serverless-upload.twilio.com"
	log := []Request{
		{Method: http.MethodGet, Host: "serverless.twilio.com", Path: "/v1/Services/ZS1/Builds", Status: 200},
		{Method: http.MethodPost, Host: up, Path: "/v1/Services/ZS1/Functions/ZH1/Versions", Status: 201},
		{Method: http.MethodPost, Host: up, Path: "/v1/Services/ZS1/Assets/ZH2/Versions", Status: 201},
		{Method: http.MethodPost, Host: up, Path: "/v1/Services/ZS1/Assets/ZH3/Versions", Status: 429},
		{Method: http.MethodPost, Host: "serverless.twilio.com", Path: "/v1/Services/ZS1/Builds", Status: 201},
		{Method: http.MethodPost, Host: "serverless.twilio.com", Path: "/v1/Services/ZS1/Environments/ZE1/Deployments", Status: 201},
		{Method: http.MethodPost, Host: "serverless.twilio.com", Path: "/v1/Services/ZS1/Environments/ZE1/Deployments", Status: -1},
		{Method: http.MethodDelete, Host: "sync.twilio.com", Path: "/v1/Services/IS1", Status: 204},
	}
	want := Traffic{Requests: 8, Writes: 5, Uploads: 2, Builds: 1, Deployments: 1}
	if got := Tally(log); got != want {
		t.Errorf("Tally = %+v; want %+v", got, want)
	}
	if got, want := want.String(), "requests=8 writes=5 uploads=2 builds=1 deployments=1"; got != want {
		t.Errorf("String = %q; want %q", got, want)
	}
	if got := Tally(nil); got != (Traffic{}) {
		t.Errorf("Tally(nil) = %+v; want zero", got)
	}
}
