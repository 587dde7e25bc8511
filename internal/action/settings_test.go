package action

import (
	"github.com/tdeploy/twilio-deploy-action/internal/event"
	"github.com/tdeploy/twilio-deploy-action/internal/stack"
)

func stackSettingsForTest(wd string) stack.Settings {
	return stack.Settings{WorkDir: wd, Stack: "feature-x", Branch: "feature/x", CheckOwner: true,
		Config:    []stack.ConfigValue{{Key: "a", Value: "1"}, {Key: "pin", Value: "123456", Secret: true}},
		Operation: event.Up, Parallel: 3, Targets: []string{"urn:x"}, PreviewFirst: true}
}
