package emulator

// Flex plugin tokens with behaviour beyond plain CRUD.
const tokFlexRelease = "flex/v1:PluginRelease"

// newRelease records the configuration a release makes live: Twilio takes
// ConfigurationId (a configuration's SID) and shows it as
// configuration_sid.
func newRelease(c *call, o *object) *apiError {
	id := c.in.form.Get("ConfigurationId")
	if id == "" {
		return errParam("Missing required parameter ConfigurationId")
	}
	o.fields["configuration_sid"] = id
	return nil
}
