package emulator

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/tdeploy/twilio-deploy-action/internal/catalog"
)

// Phone number tokens with behaviour beyond plain CRUD.
const (
	tokIncomingNumber = "api/v2010:IncomingPhoneNumber"
	tokSafelist       = "accounts/v1:Safelist"
)

// CodeNumberUnavailable: "PhoneNumber Requested is Not Available" (a
// number someone holds, or Twilio's test number +15005550000).
const CodeNumberUnavailable = 21422

// CodeNoNumberInAreaCode: "No phone numbers found in area code".
const CodeNoNumberInAreaCode = 21452

// unavailableTestNumber is the number Twilio's test credentials answer
// 21422 for: it is never available here either.
const unavailableTestNumber = "+15005550000"

// numberBlock is one block of the emulator's inventory of available
// numbers: 100 consecutive lines after prefix (the country code and the
// national digits before the line), all in ranges set aside for fiction
// (NANP 555-01xx, Ofcom's drama ranges 020 7946 0xxx and 07700 900xxx,
// ACMA's 0491 570 xxx) so no real number is ever shown.
type numberBlock struct {
	country, kind       string // ISO code; "Local", "Mobile", "TollFree"
	prefix              string // "+1415555" (the lines are 0100-0199)
	first               int    // first line
	digits              int    // digits of a line
	locality, region    string
	postalCode, rateCtr string
	format              func(e164 string) string
	// Every number takes calls. sms: "all", "most" (not the lines
	// ending in 4 or 9, so a search for SMS has something to leave
	// out) or "none"; mms: the even lines.
	sms string
	mms bool
}

// nanp formats +14155550100 as "(415) 555-0100".
func nanp(n string) string { return fmt.Sprintf("(%s) %s-%s", n[2:5], n[5:8], n[8:]) }

// plain formats other numbers as Twilio does: the E.164 string.
func plain(n string) string { return n }

// inventory is every number the emulator offers, by country and type, in
// the order a search returns them. It is the same for every account and
// run; a number an account holds is left out of searches.
var inventory = []numberBlock{
	{country: "US", kind: "Local", prefix: "+1415555", first: 100, digits: 4, locality: "San Francisco", region: "CA", postalCode: "94105", rateCtr: "SNFC CNTRL", format: nanp, sms: "most", mms: true},
	{country: "US", kind: "Local", prefix: "+1510555", first: 100, digits: 4, locality: "Oakland", region: "CA", postalCode: "94612", rateCtr: "OKLD", format: nanp, sms: "most", mms: true},
	{country: "US", kind: "Local", prefix: "+1212555", first: 100, digits: 4, locality: "New York", region: "NY", postalCode: "10001", rateCtr: "NWYRCYZN01", format: nanp, sms: "most", mms: true},
	{country: "US", kind: "TollFree", prefix: "+1800555", first: 100, digits: 4, format: nanp, sms: "all"},
	{country: "CA", kind: "Local", prefix: "+1604555", first: 100, digits: 4, locality: "Vancouver", region: "BC", postalCode: "V6B", rateCtr: "VANCOUVER", format: nanp, sms: "most", mms: true},
	{country: "GB", kind: "Local", prefix: "+4420794", first: 60000, digits: 5, locality: "London", region: "London", format: plain, sms: "none"},
	{country: "GB", kind: "Mobile", prefix: "+447700900", first: 0, digits: 3, format: plain, sms: "all"},
	{country: "AU", kind: "Mobile", prefix: "+614915", first: 70000, digits: 5, format: plain, sms: "all"},
}

// blockSize is the number of lines in each block.
const blockSize = 100

// availableNumber is one number of the inventory with its capabilities.
type availableNumber struct {
	block           *numberBlock
	e164            string
	sms, mms, voice bool
}

// numbersOf lists the inventory of one country and type.
func numbersOf(country, kind string) []availableNumber {
	var out []availableNumber
	for i := range inventory {
		b := &inventory[i]
		if b.country != country || b.kind != kind {
			continue
		}
		for line := b.first; line < b.first+blockSize; line++ {
			out = append(out, availableNumber{block: b, e164: fmt.Sprintf("%s%0*d", b.prefix, b.digits, line), voice: true,
				sms: b.sms == "all" || b.sms == "most" && line%5 != 4,
				mms: b.mms && line%2 == 0})
		}
	}
	return out
}

// offers reports whether the inventory has any block of country and kind;
// Twilio answers 404 for a type it does not sell in a country (no Mobile
// numbers in the US).
func offers(country, kind string) bool {
	for _, b := range inventory {
		if b.country == country && b.kind == kind {
			return true
		}
	}
	return false
}

// keypad maps letters to the digits of a phone keypad, as Twilio reads
// the letters of a Contains pattern ("STORM" is 78676).
func keypad(r rune) rune {
	const keys = "22233344455566677778889999"
	switch {
	case r >= 'a' && r <= 'z':
		return rune(keys[r-'a'])
	case r >= 'A' && r <= 'Z':
		return rune(keys[r-'A'])
	}
	return r
}

// containsPattern checks Twilio's Contains: at least two characters of
// digits, letters (keypad digits) and '*' (any one digit), optionally
// after a leading '+' that anchors the pattern at the number's start. It
// returns the pattern in digits and '*', and whether it is anchored.
func containsPattern(p string) (string, bool, *apiError) {
	anchored := strings.HasPrefix(p, "+")
	body := strings.TrimPrefix(p, "+")
	if len(body) < 2 {
		return "", false, errParam("Invalid value %q for parameter Contains: use at least two characters", p)
	}
	var b strings.Builder
	for _, r := range body {
		switch {
		case r >= '0' && r <= '9', r == '*':
			b.WriteRune(r)
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
			b.WriteRune(keypad(r))
		default:
			return "", false, errParam("Invalid value %q for parameter Contains: use digits, letters and '*'", p)
		}
	}
	return b.String(), anchored, nil
}

// matchesPattern reports whether the digits of e164 hold pat (digits and
// '*'), at the start when anchored.
func matchesPattern(e164, pat string, anchored bool) bool {
	digits := strings.TrimPrefix(e164, "+")
	for i := 0; i+len(pat) <= len(digits); i++ {
		ok := true
		for j := 0; j < len(pat) && ok; j++ {
			ok = pat[j] == '*' || pat[j] == digits[i+j]
		}
		if ok {
			return true
		}
		if anchored {
			return false
		}
	}
	return false
}

// areaCodeOf is the NANP area code of a +1 number, or "" elsewhere.
func areaCodeOf(e164 string) string {
	if strings.HasPrefix(e164, "+1") && len(e164) == 12 {
		return e164[2:5]
	}
	return ""
}

// heldNumbers are the numbers an open account of the emulator holds:
// none of them is available.
func (s *Server) heldNumbers() map[string]bool {
	in := s.rt.byTok[tokIncomingNumber]
	held := map[string]bool{}
	if in == nil || in.list == nil {
		return held
	}
	for _, a := range s.accounts {
		if a.status == "closed" {
			continue
		}
		col := a.store.colls[in.host+expand(in.list, []string{a.sid})]
		if col == nil {
			continue
		}
		for _, o := range col.items {
			if n, ok := o.fields["phone_number"].(string); ok {
				held[n] = true
			}
		}
	}
	return held
}

// searchKinds are the AvailablePhoneNumbers lists the inventory serves,
// by the last segment of their path.
var searchKinds = map[string]string{"Local.json": "Local", "Mobile.json": "Mobile", "TollFree.json": "TollFree"}

// isNumberSearch reports whether the call is one of the
// AvailablePhoneNumbers/{Country}/{Type} lists the inventory serves.
func (c *call) isNumberSearch() (string, bool) {
	if c.instance || c.r.Method != http.MethodGet || !strings.Contains(c.info.token, "AvailablePhoneNumberCountryAvailablePhoneNumber") {
		return "", false
	}
	last := c.r.URL.Path[strings.LastIndexByte(c.r.URL.Path, '/')+1:]
	kind, ok := searchKinds[last]
	return kind, ok
}

// searchNumbers serves AvailablePhoneNumbers/{Country}/{Type}.json from the
// inventory with Twilio's filters: AreaCode, Contains, SmsEnabled,
// MmsEnabled, VoiceEnabled (the others are accepted and do not narrow).
func (c *call) searchNumbers(kind string) *apiError {
	op := c.info.res.List
	fields, e := c.params(op, true)
	if e != nil {
		return e
	}
	country := c.vals[1]
	if !offers(country, kind) {
		return errNotFound(c.r.URL.Path)
	}
	var pat string
	var anchored bool
	if v := c.in.form.Get("Contains"); v != "" {
		if pat, anchored, e = containsPattern(v); e != nil {
			return e
		}
	}
	area := c.in.form.Get("AreaCode")
	want := func(param string, got bool) bool {
		v, ok := fields[catalog.Snake(param)]
		b, isBool := v.(bool)
		return !ok || !isBool || b == got
	}
	held := c.s.heldNumbers()
	in := c.info
	var items []*object
	for _, n := range numbersOf(country, kind) {
		switch {
		case held[n.e164] || n.e164 == unavailableTestNumber:
			continue
		case area != "" && areaCodeOf(n.e164) != area:
			continue
		case pat != "" && !matchesPattern(n.e164, pat, anchored):
			continue
		case !want("SmsEnabled", n.sms) || !want("MmsEnabled", n.mms) || !want("VoiceEnabled", n.voice):
			continue
		}
		b := n.block
		items = append(items, &object{info: in, seq: uint64(len(items) + 1), path: c.r.URL.Path, fields: map[string]any{
			"phone_number":         n.e164,
			"friendly_name":        b.format(n.e164),
			"iso_country":          country,
			"locality":             nilIfEmpty(b.locality),
			"region":               nilIfEmpty(b.region),
			"postal_code":          nilIfEmpty(b.postalCode),
			"rate_center":          nilIfEmpty(b.rateCtr),
			"lata":                 nil,
			"latitude":             nil,
			"longitude":            nil,
			"beta":                 false,
			"address_requirements": "none",
			"capabilities":         map[string]any{"voice": n.voice, "sms": n.sms, "mms": n.mms, "fax": false},
		}})
	}
	return c.writePage(items, op.PageSizeMax)
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// buyNumber applies Twilio's rules to a new IncomingPhoneNumber: the
// number must be available (no account of the emulator holds it, and it
// is not Twilio's unavailable test number), else 400 21422; with AreaCode
// and no PhoneNumber, the first available local number of that area code
// is bought, else 400 21452. A number outside the inventory that nobody
// holds is sold too: Twilio's test credentials sell their magic numbers
// (+15005550006) and programs use the documented examples.
func (s *Server) buyNumber(o *object) *apiError {
	n, _ := o.fields["phone_number"].(string)
	if n == "" {
		area := fmt.Sprint(o.fields["area_code"])
		if o.fields["area_code"] == nil {
			return errParam("Missing required parameter PhoneNumber or AreaCode in the post body")
		}
		held := s.heldNumbers()
		for _, cand := range numbersOf("US", "Local") {
			if areaCodeOf(cand.e164) == area && !held[cand.e164] {
				n = cand.e164
				break
			}
		}
		if n == "" {
			return newErr(http.StatusBadRequest, CodeNoNumberInAreaCode, "No phone numbers found in area code %s", area)
		}
		o.fields["phone_number"] = n
	}
	delete(o.fields, "area_code")
	if n == unavailableTestNumber || s.heldNumbers()[n] {
		return newErr(http.StatusBadRequest, CodeNumberUnavailable, "PhoneNumber %s is not available", n)
	}
	if o.fields["friendly_name"] == nil {
		o.fields["friendly_name"] = n
		if areaCodeOf(n) != "" {
			o.fields["friendly_name"] = nanp(n)
		}
	}
	return nil
}

// serveSafelist serves the account's SafeList (accounts/v1): numbers are
// added by POST and fetched and removed by the PhoneNumber query
// parameter, not by an instance path. A number not on the list is 404.
// Adding one already there answers its entry: the list holds a number
// once.
func (c *call) serveSafelist() *apiError {
	in := c.info
	key := c.collKey()
	var found *object
	want := c.in.form.Get("PhoneNumber")
	if col := c.acct.store.colls[key]; col != nil && want != "" {
		for _, o := range col.items {
			if o.fields["phone_number"] == want {
				found = o
			}
		}
	}
	switch c.r.Method {
	case http.MethodPost:
		if c.in.form.Get("PhoneNumber") == "" {
			return errParam("Missing required parameter PhoneNumber in the post body")
		}
		if e := c.ignore(in.res.Create.ID, unknownParams(c.in.form, "PhoneNumber")); e != nil {
			return e
		}
		if found == nil {
			o, e := c.newObject(map[string]any{"phone_number": want})
			if e != nil {
				return e
			}
			c.acct.store.put(o)
			found = o
		}
		writeJSON(c.w, http.StatusCreated, c.s.render(found))
		return nil
	case http.MethodGet, http.MethodDelete:
		if want == "" {
			return errParam("Missing required parameter PhoneNumber in the request")
		}
		if e := c.ignore("Safelist", unknownParams(c.in.form, "PhoneNumber")); e != nil {
			return e
		}
		if found == nil {
			return errNotFound(c.r.URL.Path)
		}
		if c.r.Method == http.MethodGet {
			writeJSON(c.w, http.StatusOK, c.s.render(found))
			return nil
		}
		c.acct.store.remove(found)
		c.w.WriteHeader(http.StatusNoContent)
		return nil
	}
	return newErr(http.StatusMethodNotAllowed, CodeMethodNotAllowed, "Method %s not allowed on %s", c.r.Method, c.r.URL.Path)
}

// unknownParams are the form's parameters other than known.
func unknownParams(form map[string][]string, known ...string) []string {
	var out []string
	for k := range form {
		if !slices.Contains(known, k) {
			out = append(out, k)
		}
	}
	return out
}
