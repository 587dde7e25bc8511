package emulator

import (
	"sort"
	"strings"
	"time"
)

// store holds one account's resources: objects by canonical key
// ("sync.twilio.com/v1/Services/IS...") and each collection in creation
// order for paging.
type store struct {
	objs  map[string]*object
	colls map[string]*collection
}

func newStore() *store {
	return &store{objs: map[string]*object{}, colls: map[string]*collection{}}
}

type object struct {
	info    *resInfo
	key     string   // host + path
	path    string   // canonical path, escaped
	vals    []string // placeholder values of the path, unescaped
	id      string
	seq     uint64
	coll    string // key of the collection holding it, "" for singletons
	fields  map[string]any
	created time.Time
	updated time.Time
	// builtin: Twilio made it by itself, not a request (a workspace's
	// default activities).
	builtin bool
	content []byte // uploaded Serverless version content
	ctype   string
	ready   time.Time // a build's end
	final   string    // a build's status after ready
}

// collection is a list in creation order (ascending seq).
type collection struct {
	items     []*object
	nextIndex int64              // Sync List item indexes
	byUnique  map[string]*object // by unique_name, for uniqueness and addressing
}

func uniqueName(o *object) string {
	s, _ := o.fields["unique_name"].(string)
	return s
}

// setUnique re-indexes o after its unique_name changed from old.
func (st *store) setUnique(o *object, old string) {
	c := st.colls[o.coll]
	if c == nil {
		return
	}
	if old != "" && c.byUnique[old] == o {
		delete(c.byUnique, old)
	}
	if un := uniqueName(o); un != "" {
		if c.byUnique == nil {
			c.byUnique = map[string]*object{}
		}
		c.byUnique[un] = o
	}
}

func (st *store) coll(key string) *collection {
	c := st.colls[key]
	if c == nil {
		c = &collection{}
		st.colls[key] = c
	}
	return c
}

func (st *store) put(o *object) {
	st.objs[o.key] = o
	if o.coll != "" {
		c := st.coll(o.coll)
		c.items = append(c.items, o) // seq grows, so the slice stays sorted
		st.setUnique(o, "")
	}
}

// remove deletes o and, when its resource has children, everything below it.
func (st *store) remove(o *object) {
	st.unlink(o)
	if !o.info.nested {
		return
	}
	prefix := strings.TrimSuffix(o.key, ".json") + "/"
	for k, d := range st.objs {
		if strings.HasPrefix(k, prefix) {
			st.unlink(d)
		}
	}
	for k := range st.colls {
		if strings.HasPrefix(k, prefix) {
			delete(st.colls, k)
		}
	}
}

func (st *store) unlink(o *object) {
	delete(st.objs, o.key)
	c := st.colls[o.coll]
	if c == nil {
		return
	}
	if un := uniqueName(o); un != "" && c.byUnique[un] == o {
		delete(c.byUnique, un)
	}
	i := sort.Search(len(c.items), func(i int) bool { return c.items[i].seq >= o.seq })
	if i < len(c.items) && c.items[i] == o {
		c.items = append(c.items[:i], c.items[i+1:]...)
	}
}

// findUnique returns the object of a collection with this unique_name.
func (st *store) findUnique(collKey, name string) *object {
	if c := st.colls[collKey]; c != nil {
		return c.byUnique[name]
	}
	return nil
}
