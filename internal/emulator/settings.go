package emulator

import (
	"crypto/sha256"
	"encoding/hex"
)

// settingsDefaults are the settings objects Twilio keeps for every account
// or parent (a Conversations service's configuration exists with the
// service), with the values Twilio documents for one nobody has updated.
// A fetch answers them before any update; the first update stores the
// object with them and the update's values. This is their one home.
//
// Each builds the defaults of one object from its path values (vals, the
// parents' SIDs; the account's for an account's own). Fields not named are
// null, as Twilio returns an unset URL or timer; http-method fields default
// to POST as everywhere (fillDefaults).
var settingsDefaults = map[string]func(acct string, vals []string) map[string]any{
	// Every account has a default Conversations service and Messaging
	// service; the timers are unset until someone sets them.
	"conversations/v1:Configuration": func(acct string, _ []string) map[string]any {
		return map[string]any{
			"default_chat_service_sid":      derivedSID("IS", acct, "default conversations service"),
			"default_messaging_service_sid": derivedSID("MG", acct, "default messaging service"),
		}
	},
	"conversations/v1:ConfigurationWebhook": func(string, []string) map[string]any {
		return map[string]any{"filters": []any{}, "target": "webhook"}
	},
	// A service is made with its three default roles.
	"conversations/v1:ServiceConfiguration": func(_ string, vals []string) map[string]any {
		return map[string]any{
			"default_chat_service_role_sid":         derivedSID("RL", vals[0], "service user"),
			"default_conversation_creator_role_sid": derivedSID("RL", vals[0], "channel admin"),
			"default_conversation_role_sid":         derivedSID("RL", vals[0], "channel user"),
			"reachability_enabled":                  false,
		}
	},
	"conversations/v1:ServiceConfigurationServiceNotification": func(string, []string) map[string]any {
		off := func() map[string]any { return map[string]any{"enabled": false, "template": nil, "sound": nil} }
		newMessage := off()
		newMessage["badge_count_enabled"] = false
		newMessage["with_media"] = map[string]any{"enabled": false, "template": nil}
		return map[string]any{"log_enabled": false, "new_message": newMessage,
			"added_to_conversation": off(), "removed_from_conversation": off()}
	},
	"conversations/v1:ServiceConfigurationServiceWebhookConfiguration": func(string, []string) map[string]any {
		return map[string]any{"filters": []any{}}
	},
	"bulkexports/v1:ExportConfiguration": func(string, []string) map[string]any {
		return map[string]any{"enabled": false}
	},
	"insights/v1:AccountSettings": func(string, []string) map[string]any {
		return map[string]any{"advanced_features": false, "voice_trace": false}
	},
	"messaging/v1:DomainConfig": func(_ string, vals []string) map[string]any {
		return map[string]any{"config_sid": derivedSID("ZK", vals[0], "config"), "continue_on_failure": false, "disable_https": false}
	},
	// Inbound processing regions: every number, SIP domain and trunk is
	// processed in us1 until assigned another region.
	"routes/v2:PhoneNumber": func(_ string, vals []string) map[string]any {
		return map[string]any{"phone_number": vals[0], "sid": derivedSID("QQ", vals[0], "route"), "voice_region": "us1"}
	},
	"routes/v2:SipDomain": func(_ string, vals []string) map[string]any {
		return map[string]any{"sip_domain": vals[0], "sid": derivedSID("QQ", vals[0], "route"), "voice_region": "us1"}
	},
	"routes/v2:Trunks": func(_ string, vals []string) map[string]any {
		return map[string]any{"sip_trunk_domain": vals[0], "sid": derivedSID("QQ", vals[0], "route"), "voice_region": "us1"}
	},
	"routes/v3:PhoneNumber": func(_ string, vals []string) map[string]any {
		return map[string]any{"phoneNumber": vals[0], "voiceRegion": "us1", "messagingRegion": "us1"}
	},
	"studio/v2:FlowTestUser": func(string, []string) map[string]any {
		return map[string]any{"test_users": []any{}}
	},
	"trunking/v1:TrunkRecording": func(string, []string) map[string]any {
		return map[string]any{"mode": "do-not-record", "trim": "do-not-trim"}
	},
	"video/v1:CompositionSettings": func(string, []string) map[string]any {
		return map[string]any{"aws_storage_enabled": false, "encryption_enabled": false}
	},
	"video/v1:RecordingSettings": func(string, []string) map[string]any {
		return map[string]any{"aws_storage_enabled": false, "encryption_enabled": false}
	},
	// A sub-account follows its parent's dialing permissions by default.
	"voice/v1:DialingPermissionsSettings": func(string, []string) map[string]any {
		return map[string]any{"dialing_permissions_inheritance": true}
	},
}

// settingsFields are the fields of a settings object nobody has updated,
// or nil when in is not a settings object Twilio keeps by itself.
func settingsFields(in *resInfo, acct string, vals []string) map[string]any {
	def := settingsDefaults[in.token]
	if def == nil {
		return nil
	}
	fields := def(acct, vals) // fresh maps: the caller may store them
	fillDefaults(in, fields)
	return fields
}

// derivedSID is a SID that stays the same for the same owner and role:
// the defaults of an object that is never stored must read the same on
// every fetch.
func derivedSID(prefix, owner, role string) string {
	h := sha256.Sum256([]byte(owner + "/" + role))
	return prefix + hex.EncodeToString(h[:16])
}
