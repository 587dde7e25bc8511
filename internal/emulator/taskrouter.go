package emulator

// TaskRouter tokens with behaviour beyond plain CRUD.
const (
	tokTRWorkspace = "taskrouter/v1:Workspace"
	tokTRActivity  = "taskrouter/v1:WorkspaceActivity"
)

// defaultActivities are the Activities TaskRouter creates in every new
// Workspace ("TaskRouter pre-populates new Workspaces with "Offline",
// "Unavailable", and "Available" Activities", twilio.com/docs/taskrouter/
// activities), with their availability. Offline is the Workspace's default
// and timeout Activity until the Workspace names others.
var defaultActivities = []struct {
	name      string
	available bool
}{
	{"Offline", false},
	{"Available", true},
	{"Unavailable", false},
}

// newWorkspace stores the default Activities of a new Workspace and points
// its default and timeout Activity at Offline, as Twilio does, so a program
// can look them up instead of creating its own.
func (s *Server) newWorkspace(c *call, o *object) *apiError {
	in := s.rt.byTok[tokTRActivity]
	if in == nil {
		return nil // a catalog without Activities
	}
	sub := *c
	sub.info, sub.vals, sub.extra = in, []string{o.id}, nil
	var offline *object
	for _, d := range defaultActivities {
		a, e := sub.newObject(map[string]any{"friendly_name": d.name, "available": d.available})
		if e != nil {
			return e
		}
		a.builtin = true
		c.acct.store.put(a)
		if offline == nil {
			offline = a
		}
	}
	for _, k := range []string{"default_activity", "timeout_activity"} {
		if o.fields[k+"_sid"] == nil {
			o.fields[k+"_sid"], o.fields[k+"_name"] = offline.id, "Offline"
		}
	}
	return nil
}
