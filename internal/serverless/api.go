package serverless

import (
	"context"
	"errors"
)

// API is the part of Twilio's Serverless API a deployment uses. The real
// adapter (package deployment) sits on the provider's API; tests use the
// emulator through it, or a fake.
//
// Methods return ErrNotFound (wrapped) when Twilio answers 404, so callers
// can tell "gone" from "failed".
type API interface {
	// FetchService finds a Service by SID or unique name.
	FetchService(ctx context.Context, sidOrUniqueName string) (Service, error)
	CreateService(ctx context.Context, uniqueName, friendlyName string) (Service, error)
	DeleteService(ctx context.Context, serviceSID string) error

	ListEnvironments(ctx context.Context, serviceSID string) ([]Environment, error)
	// CreateEnvironment creates an environment; an empty domainSuffix
	// makes the service's bare domain (production).
	CreateEnvironment(ctx context.Context, serviceSID, uniqueName, domainSuffix string) (Environment, error)
	DeleteEnvironment(ctx context.Context, serviceSID, environmentSID string) error

	// ListFunctions and ListAssets return friendly name -> SID.
	ListFunctions(ctx context.Context, serviceSID string) (map[string]string, error)
	CreateFunction(ctx context.Context, serviceSID, friendlyName string) (sid string, err error)
	ListAssets(ctx context.Context, serviceSID string) (map[string]string, error)
	CreateAsset(ctx context.Context, serviceSID, friendlyName string) (sid string, err error)

	// UploadFunctionVersion and UploadAssetVersion send content as
	// multipart/form-data to the serverless-upload host.
	UploadFunctionVersion(ctx context.Context, serviceSID, functionSID, path, visibility string, content []byte) (versionSID string, err error)
	UploadAssetVersion(ctx context.Context, serviceSID, assetSID, path, visibility, contentType string, content []byte) (versionSID string, err error)

	CreateBuild(ctx context.Context, serviceSID string, b BuildSpec) (buildSID string, err error)
	// FetchBuildStatus returns "building", "completed" or "failed".
	FetchBuildStatus(ctx context.Context, serviceSID, buildSID string) (string, error)
	// FetchBuild reads the whole Build, for reporting a failed one.
	FetchBuild(ctx context.Context, serviceSID, buildSID string) (Build, error)
	CreateDeployment(ctx context.Context, serviceSID, environmentSID, buildSID string) (deploymentSID string, err error)

	// ListVariables returns key -> Variable.
	ListVariables(ctx context.Context, serviceSID, environmentSID string) (map[string]Variable, error)
	CreateVariable(ctx context.Context, serviceSID, environmentSID, key, value string) (sid string, err error)
	UpdateVariable(ctx context.Context, serviceSID, environmentSID, variableSID, value string) error
	DeleteVariable(ctx context.Context, serviceSID, environmentSID, variableSID string) error
}

// ErrNotFound marks a 404 from Twilio.
var ErrNotFound = errors.New("not found")

// Service is a Serverless Service.
type Service struct {
	SID        string
	UniqueName string
}

// Environment is a Serverless Environment.
type Environment struct {
	SID          string
	UniqueName   string
	DomainSuffix string
	DomainName   string
	BuildSID     string // the build deployed on it, "" when none
}

// Variable is an environment variable as Twilio holds it.
type Variable struct {
	SID   string
	Value string
}

// BuildSpec is what a Build is made of.
type BuildSpec struct {
	FunctionVersions []string
	AssetVersions    []string
	Dependencies     []Dependency
	Runtime          string
}
