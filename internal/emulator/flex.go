package emulator

import (
	"encoding/json"
	"net/http"
	"strings"
)

// Flex plugin tokens with behaviour beyond plain CRUD (Twilio's Flex
// Plugins API: https://www.twilio.com/docs/flex/developer/plugins/api).
const (
	tokFlexPlugin        = "flex/v1:Plugin"
	tokFlexVersion       = "flex/v1:PluginVersion"
	tokFlexConfiguration = "flex/v1:PluginConfiguration"
	tokFlexRelease       = "flex/v1:PluginRelease"
)

// flexArchives are the archive actions and what each archives. Twilio
// deletes no plugin, version or configuration: it archives them, once.
var flexArchives = map[string]string{
	"flex/v1:PluginArchive":              tokFlexPlugin,
	"flex/v1:PluginVersionArchive":       tokFlexVersion,
	"flex/v1:PluginConfigurationArchive": tokFlexConfiguration,
}

// CodeFlexArchived is the error of a write that names an archived Flex
// plugin, version or configuration.
const CodeFlexArchived = 20409

// flexObject finds an account's object of a token by SID.
func (c *call) flexObject(tok, sid string) *object {
	for _, o := range c.acct.store.objs {
		if o.info.token == tok && o.id == sid {
			return o
		}
	}
	return nil
}

func archived(o *object) bool { b, _ := o.fields["archived"].(bool); return b }

func errArchived(what, sid string) *apiError {
	return newErr(http.StatusBadRequest, CodeFlexArchived, "%s %s is archived", what, sid)
}

// newFlexObject applies the Flex Plugins API's rules to a create: a
// version is immutable and unique per plugin, of a plugin not archived; a
// configuration lists versions that exist, none archived; a release makes
// a configuration that exists live (the account's latest release is its
// active one).
func (c *call) newFlexObject(o *object) *apiError {
	o.fields["archived"] = false
	switch o.info.token {
	case tokFlexVersion:
		if p := c.flexObject(tokFlexPlugin, o.fields["plugin_sid"].(string)); p != nil && archived(p) {
			return errArchived("Plugin", p.id)
		}
		for _, v := range c.acct.store.coll(o.coll).items {
			if v.fields["version"] == o.fields["version"] {
				return newErr(http.StatusConflict, CodeConflict, "Plugin version %v already exists: versions are immutable", o.fields["version"])
			}
		}
	case tokFlexConfiguration:
		var versions []any
		for _, raw := range c.in.form["Plugins"] {
			var entry struct {
				PluginVersion string `json:"plugin_version"`
			}
			if err := json.Unmarshal([]byte(raw), &entry); err != nil || entry.PluginVersion == "" {
				return errParam("Plugins: each entry is a JSON object with a plugin_version, got %q", raw)
			}
			v := c.flexObject(tokFlexVersion, entry.PluginVersion)
			if v == nil {
				return errNotFound("/v1/PluginService/Plugins/" + entry.PluginVersion)
			}
			if archived(v) {
				return errArchived("Plugin version", v.id)
			}
			versions = append(versions, v.id)
		}
		o.fields["plugin_versions"] = versions
	case tokFlexRelease:
		delete(o.fields, "archived")
		id := c.in.form.Get("ConfigurationId")
		cfg := c.flexObject(tokFlexConfiguration, id)
		if cfg == nil {
			return errNotFound("/v1/PluginService/Configurations/" + id)
		}
		if archived(cfg) {
			return errArchived("Configuration", id)
		}
		o.fields["configuration_sid"] = cfg.id
	}
	return nil
}

// archiveFlex archives what an archive action names, and answers with it.
func (c *call) archiveFlex(o *object, fields map[string]any) *apiError {
	target := c.acct.store.objs[c.host+strings.TrimSuffix(o.path, "/Archive")]
	if target == nil || target.info.token != flexArchives[o.info.token] {
		return errNotFound(c.r.URL.Path)
	}
	if archived(target) {
		return errArchived(target.info.res.Type, target.id)
	}
	target.fields["archived"] = true
	target.updated = c.now
	for k, v := range target.fields {
		fields[k] = v
	}
	return nil
}
