package emulator_test

import (
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/twilio/twilio-go"
	api "github.com/twilio/twilio-go/rest/api/v2010"
	conversations "github.com/twilio/twilio-go/rest/conversations/v1"
	flex "github.com/twilio/twilio-go/rest/flex/v1"
	messaging "github.com/twilio/twilio-go/rest/messaging/v1"
	serverless "github.com/twilio/twilio-go/rest/serverless/v1"
	studio "github.com/twilio/twilio-go/rest/studio/v2"
	syncv1 "github.com/twilio/twilio-go/rest/sync/v1"
	taskrouter "github.com/twilio/twilio-go/rest/taskrouter/v1"
	verify "github.com/twilio/twilio-go/rest/verify/v2"

	"github.com/tdeploy/twilio-deploy-action/internal/emulator/emulatortest"
)

// crud adapts one twilio-go resource to a common lifecycle: each function
// returns the SID and friendly name the API answered with.
type crud struct {
	prefix string
	create func(c *twilio.RestClient, name string) (sid, got string, err error)
	fetch  func(c *twilio.RestClient, sid string) (got string, err error)
	update func(c *twilio.RestClient, sid, name string) (got string, err error)
	delete func(c *twilio.RestClient, sid string) error
	list   func(c *twilio.RestClient) ([]string, error)
}

func str(p *string) string {
	if p == nil {
		return "<nil>"
	}
	return *p
}

var flowDefinition = map[string]any{
	"description": "A flow", "initial_state": "Trigger",
	"states": []any{map[string]any{"name": "Trigger", "type": "trigger", "transitions": []any{}, "properties": map[string]any{}}},
}

var products = map[string]crud{
	"api IncomingPhoneNumber": {
		prefix: "PN",
		create: func(c *twilio.RestClient, name string) (string, string, error) {
			// One number per name: a number is bought once.
			number := fmt.Sprintf("+1415555%04d", 100+int(name[len(name)-1]-'0'))
			r, err := c.Api.CreateIncomingPhoneNumber(new(api.CreateIncomingPhoneNumberParams).SetPhoneNumber(number).SetFriendlyName(name))
			if err != nil {
				return "", "", err
			}
			if str(r.PhoneNumber) != number {
				return "", "", fmt.Errorf("phone_number %s", str(r.PhoneNumber))
			}
			return str(r.Sid), str(r.FriendlyName), nil
		},
		fetch: func(c *twilio.RestClient, sid string) (string, error) {
			r, err := c.Api.FetchIncomingPhoneNumber(sid, nil)
			if err != nil {
				return "", err
			}
			return str(r.FriendlyName), nil
		},
		update: func(c *twilio.RestClient, sid, name string) (string, error) {
			r, err := c.Api.UpdateIncomingPhoneNumber(sid, new(api.UpdateIncomingPhoneNumberParams).SetFriendlyName(name))
			if err != nil {
				return "", err
			}
			return str(r.FriendlyName), nil
		},
		delete: func(c *twilio.RestClient, sid string) error { return c.Api.DeleteIncomingPhoneNumber(sid, nil) },
		list: func(c *twilio.RestClient) ([]string, error) {
			rs, err := c.Api.ListIncomingPhoneNumber(new(api.ListIncomingPhoneNumberParams).SetPageSize(2))
			var out []string
			for _, r := range rs {
				out = append(out, str(r.Sid))
			}
			return out, err
		},
	},
	"serverless Service": {
		prefix: "ZS",
		create: func(c *twilio.RestClient, name string) (string, string, error) {
			r, err := c.ServerlessV1.CreateService(new(serverless.CreateServiceParams).SetUniqueName("u" + name).SetFriendlyName(name))
			if err != nil {
				return "", "", err
			}
			return str(r.Sid), str(r.FriendlyName), nil
		},
		fetch: func(c *twilio.RestClient, sid string) (string, error) {
			r, err := c.ServerlessV1.FetchService(sid)
			if err != nil {
				return "", err
			}
			return str(r.FriendlyName), nil
		},
		update: func(c *twilio.RestClient, sid, name string) (string, error) {
			r, err := c.ServerlessV1.UpdateService(sid, new(serverless.UpdateServiceParams).SetFriendlyName(name))
			if err != nil {
				return "", err
			}
			return str(r.FriendlyName), nil
		},
		delete: func(c *twilio.RestClient, sid string) error { return c.ServerlessV1.DeleteService(sid) },
		list: func(c *twilio.RestClient) ([]string, error) {
			rs, err := c.ServerlessV1.ListService(new(serverless.ListServiceParams).SetPageSize(2))
			var out []string
			for _, r := range rs {
				out = append(out, str(r.Sid))
			}
			return out, err
		},
	},
	"sync Service": {
		prefix: "IS",
		create: func(c *twilio.RestClient, name string) (string, string, error) {
			r, err := c.SyncV1.CreateService(new(syncv1.CreateServiceParams).SetFriendlyName(name))
			if err != nil {
				return "", "", err
			}
			return str(r.Sid), str(r.FriendlyName), nil
		},
		fetch: func(c *twilio.RestClient, sid string) (string, error) {
			r, err := c.SyncV1.FetchService(sid)
			if err != nil {
				return "", err
			}
			return str(r.FriendlyName), nil
		},
		update: func(c *twilio.RestClient, sid, name string) (string, error) {
			r, err := c.SyncV1.UpdateService(sid, new(syncv1.UpdateServiceParams).SetFriendlyName(name))
			if err != nil {
				return "", err
			}
			return str(r.FriendlyName), nil
		},
		delete: func(c *twilio.RestClient, sid string) error { return c.SyncV1.DeleteService(sid) },
		list: func(c *twilio.RestClient) ([]string, error) {
			rs, err := c.SyncV1.ListService(new(syncv1.ListServiceParams).SetPageSize(2))
			var out []string
			for _, r := range rs {
				out = append(out, str(r.Sid))
			}
			return out, err
		},
	},
	"taskrouter Workspace": {
		prefix: "WS",
		create: func(c *twilio.RestClient, name string) (string, string, error) {
			r, err := c.TaskrouterV1.CreateWorkspace(new(taskrouter.CreateWorkspaceParams).SetFriendlyName(name))
			if err != nil {
				return "", "", err
			}
			return str(r.Sid), str(r.FriendlyName), nil
		},
		fetch: func(c *twilio.RestClient, sid string) (string, error) {
			r, err := c.TaskrouterV1.FetchWorkspace(sid)
			if err != nil {
				return "", err
			}
			return str(r.FriendlyName), nil
		},
		update: func(c *twilio.RestClient, sid, name string) (string, error) {
			r, err := c.TaskrouterV1.UpdateWorkspace(sid, new(taskrouter.UpdateWorkspaceParams).SetFriendlyName(name))
			if err != nil {
				return "", err
			}
			return str(r.FriendlyName), nil
		},
		delete: func(c *twilio.RestClient, sid string) error { return c.TaskrouterV1.DeleteWorkspace(sid) },
		list: func(c *twilio.RestClient) ([]string, error) {
			rs, err := c.TaskrouterV1.ListWorkspace(new(taskrouter.ListWorkspaceParams).SetPageSize(2))
			var out []string
			for _, r := range rs {
				out = append(out, str(r.Sid))
			}
			return out, err
		},
	},
	"studio Flow": {
		prefix: "FW",
		create: func(c *twilio.RestClient, name string) (string, string, error) {
			r, err := c.StudioV2.CreateFlow(new(studio.CreateFlowParams).SetFriendlyName(name).SetStatus("draft").SetDefinition(flowDefinition))
			if err != nil {
				return "", "", err
			}
			if r.Definition == nil {
				return "", "", fmt.Errorf("no definition in the response")
			}
			if def, ok := (*r.Definition).(map[string]any); !ok || def["initial_state"] != "Trigger" {
				return "", "", fmt.Errorf("definition %v: want the JSON object sent", *r.Definition)
			}
			return str(r.Sid), str(r.FriendlyName), nil
		},
		fetch: func(c *twilio.RestClient, sid string) (string, error) {
			r, err := c.StudioV2.FetchFlow(sid)
			if err != nil {
				return "", err
			}
			return str(r.FriendlyName), nil
		},
		update: func(c *twilio.RestClient, sid, name string) (string, error) {
			r, err := c.StudioV2.UpdateFlow(sid, new(studio.UpdateFlowParams).SetStatus("published").SetFriendlyName(name))
			if err != nil {
				return "", err
			}
			return str(r.FriendlyName), nil
		},
		delete: func(c *twilio.RestClient, sid string) error { return c.StudioV2.DeleteFlow(sid) },
		list: func(c *twilio.RestClient) ([]string, error) {
			rs, err := c.StudioV2.ListFlow(new(studio.ListFlowParams).SetPageSize(2))
			var out []string
			for _, r := range rs {
				out = append(out, str(r.Sid))
			}
			return out, err
		},
	},
	"messaging Service": {
		prefix: "MG",
		create: func(c *twilio.RestClient, name string) (string, string, error) {
			r, err := c.MessagingV1.CreateService(new(messaging.CreateServiceParams).SetFriendlyName(name))
			if err != nil {
				return "", "", err
			}
			return str(r.Sid), str(r.FriendlyName), nil
		},
		fetch: func(c *twilio.RestClient, sid string) (string, error) {
			r, err := c.MessagingV1.FetchService(sid)
			if err != nil {
				return "", err
			}
			return str(r.FriendlyName), nil
		},
		update: func(c *twilio.RestClient, sid, name string) (string, error) {
			r, err := c.MessagingV1.UpdateService(sid, new(messaging.UpdateServiceParams).SetFriendlyName(name))
			if err != nil {
				return "", err
			}
			return str(r.FriendlyName), nil
		},
		delete: func(c *twilio.RestClient, sid string) error { return c.MessagingV1.DeleteService(sid) },
		list: func(c *twilio.RestClient) ([]string, error) {
			rs, err := c.MessagingV1.ListService(new(messaging.ListServiceParams).SetPageSize(2))
			var out []string
			for _, r := range rs {
				out = append(out, str(r.Sid))
			}
			return out, err
		},
	},
	"conversations Conversation": {
		prefix: "CH",
		create: func(c *twilio.RestClient, name string) (string, string, error) {
			r, err := c.ConversationsV1.CreateConversation(new(conversations.CreateConversationParams).SetFriendlyName(name).SetUniqueName("u" + name))
			if err != nil {
				return "", "", err
			}
			return str(r.Sid), str(r.FriendlyName), nil
		},
		fetch: func(c *twilio.RestClient, sid string) (string, error) {
			r, err := c.ConversationsV1.FetchConversation(sid)
			if err != nil {
				return "", err
			}
			return str(r.FriendlyName), nil
		},
		update: func(c *twilio.RestClient, sid, name string) (string, error) {
			r, err := c.ConversationsV1.UpdateConversation(sid, new(conversations.UpdateConversationParams).SetFriendlyName(name))
			if err != nil {
				return "", err
			}
			return str(r.FriendlyName), nil
		},
		delete: func(c *twilio.RestClient, sid string) error { return c.ConversationsV1.DeleteConversation(sid, nil) },
		list: func(c *twilio.RestClient) ([]string, error) {
			rs, err := c.ConversationsV1.ListConversation(new(conversations.ListConversationParams).SetPageSize(2))
			var out []string
			for _, r := range rs {
				out = append(out, str(r.Sid))
			}
			return out, err
		},
	},
	"verify Service": {
		prefix: "VA",
		create: func(c *twilio.RestClient, name string) (string, string, error) {
			r, err := c.VerifyV2.CreateService(new(verify.CreateServiceParams).SetFriendlyName(name).SetCodeLength(6))
			if err != nil {
				return "", "", err
			}
			return str(r.Sid), str(r.FriendlyName), nil
		},
		fetch: func(c *twilio.RestClient, sid string) (string, error) {
			r, err := c.VerifyV2.FetchService(sid)
			if err != nil {
				return "", err
			}
			return str(r.FriendlyName), nil
		},
		update: func(c *twilio.RestClient, sid, name string) (string, error) {
			r, err := c.VerifyV2.UpdateService(sid, new(verify.UpdateServiceParams).SetFriendlyName(name))
			if err != nil {
				return "", err
			}
			return str(r.FriendlyName), nil
		},
		delete: func(c *twilio.RestClient, sid string) error { return c.VerifyV2.DeleteService(sid) },
		list: func(c *twilio.RestClient) ([]string, error) {
			rs, err := c.VerifyV2.ListService(new(verify.ListServiceParams).SetPageSize(2))
			var out []string
			for _, r := range rs {
				out = append(out, str(r.Sid))
			}
			return out, err
		},
	},
	"flex-api FlexFlow": {
		prefix: "FO",
		create: func(c *twilio.RestClient, name string) (string, string, error) {
			r, err := c.FlexV1.CreateFlexFlow(new(flex.CreateFlexFlowParams).SetFriendlyName(name).
				SetChatServiceSid("IS0123456789abcdef0123456789abcdef").SetChannelType("web"))
			if err != nil {
				return "", "", err
			}
			return str(r.Sid), str(r.FriendlyName), nil
		},
		fetch: func(c *twilio.RestClient, sid string) (string, error) {
			r, err := c.FlexV1.FetchFlexFlow(sid)
			if err != nil {
				return "", err
			}
			return str(r.FriendlyName), nil
		},
		update: func(c *twilio.RestClient, sid, name string) (string, error) {
			r, err := c.FlexV1.UpdateFlexFlow(sid, new(flex.UpdateFlexFlowParams).SetFriendlyName(name))
			if err != nil {
				return "", err
			}
			return str(r.FriendlyName), nil
		},
		delete: func(c *twilio.RestClient, sid string) error { return c.FlexV1.DeleteFlexFlow(sid) },
		list: func(c *twilio.RestClient) ([]string, error) {
			rs, err := c.FlexV1.ListFlexFlow(new(flex.ListFlexFlowParams).SetPageSize(2))
			var out []string
			for _, r := range rs {
				out = append(out, str(r.Sid))
			}
			return out, err
		},
	},
}

// TestTwilioGoProducts drives twilio-go's typed services through a whole
// lifecycle for one resource of each product host. Lists run with
// PageSize 2 over three resources, so twilio-go follows next-page links.
func TestTwilioGoProducts(t *testing.T) {
	t.Parallel()
	for name, p := range products {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			env := emulatortest.New(t)
			c := env.RestClient()
			var sids []string
			for i := range 3 {
				sid, got, err := p.create(c, fmt.Sprintf("n%d", i))
				if err != nil {
					t.Fatalf("create: %v", err)
				}
				if !sidRE.MatchString(sid) || sid[:2] != p.prefix || got != fmt.Sprintf("n%d", i) {
					t.Fatalf("create gave sid %q name %q, want %s... and n%d", sid, got, p.prefix, i)
				}
				sids = append(sids, sid)
			}
			if got, err := p.fetch(c, sids[1]); err != nil || got != "n1" {
				t.Fatalf("fetch: %q %v", got, err)
			}
			if got, err := p.update(c, sids[1], "renamed"); err != nil || got != "renamed" {
				t.Fatalf("update: %q %v", got, err)
			}
			if got, err := p.fetch(c, sids[1]); err != nil || got != "renamed" {
				t.Fatalf("fetch after update: %q %v", got, err)
			}
			listed, err := p.list(c)
			if err != nil || !slices.Equal(listed, sids) {
				t.Fatalf("list: %v %v, want %v", listed, err, sids)
			}
			if err := p.delete(c, sids[0]); err != nil {
				t.Fatalf("delete: %v", err)
			}
			_, err = p.fetch(c, sids[0])
			if re := restErr(t, err); re.Status != http.StatusNotFound || re.Code != 20404 {
				t.Fatalf("fetch deleted: %d %d", re.Status, re.Code)
			}
			if listed, err := p.list(c); err != nil || !slices.Equal(listed, sids[1:]) {
				t.Fatalf("list after delete: %v %v", listed, err)
			}
		})
	}
}
