package emulator

import (
	"fmt"
	"strings"
)

// The product rules beyond plain CRUD, by token: Serverless (serverless.go),
// TaskRouter (taskrouter.go), Studio (studio.go), Flex plugins (flex.go), phone
// numbers and the SafeList (numbers.go), API keys.

// afterCreate applies product rules to a new object before it is stored.
func (s *Server) afterCreate(c *call, o *object) *apiError {
	switch o.info.token {
	case tokSlService:
		un, _ := o.fields["unique_name"].(string)
		if !slServiceName.MatchString(un) {
			return errParam("Invalid UniqueName %q: use up to 50 letters, digits and hyphens", un)
		}
		// Twilio's documented defaults.
		if o.fields["include_credentials"] == nil {
			o.fields["include_credentials"] = true
		}
		if o.fields["ui_editable"] == nil {
			o.fields["ui_editable"] = false
		}
		// One domain base per service, shared by its environments:
		// the unique name and 4 random digits (Twilio's "thanos-3432"),
		// drawn from the seeded generator.
		o.fields["domain_base"] = strings.ToLower(fmt.Sprintf("%s-%04d", un, s.rng.IntN(10000)))
	case tokSlEnvironment:
		return s.newEnvironment(c, o)
	case tokTRWorkspace:
		return s.newWorkspace(c, o)
	case tokStudioFlow:
		return newFlow(o)
	case tokStudioValidate:
		return validateOnly(c, o)
	case tokFlexPlugin, tokFlexVersion, tokFlexConfiguration, tokFlexRelease:
		return c.newFlexObject(o)
	case tokSlBuild:
		return s.newBuild(c, o)
	case tokSlDeployment:
		return s.newDeployment(c, o)
	case tokIncomingNumber:
		return s.buyNumber(o)
	case tokAPIKey:
		// A new API key authenticates for the account it was created in;
		// its secret is shown once, in the create response.
		secret := s.newToken()
		s.keys[o.id] = &apiKey{sid: o.id, secret: secret, account: c.acct}
		c.extra = map[string]any{"secret": secret}
	}
	return nil
}

// beforeUpdate applies product rules to an update before it is merged.
func (s *Server) beforeUpdate(c *call, o *object, fields map[string]any) *apiError {
	if o.info.token == tokStudioFlow {
		return updateFlow(o, fields)
	}
	if _, ok := flexArchives[o.info.token]; ok {
		return c.archiveFlex(o, fields)
	}
	return nil
}
