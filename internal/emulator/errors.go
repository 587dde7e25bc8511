package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
)

// Twilio error codes the emulator answers with. Each is a documented code
// at https://www.twilio.com/docs/errors/<code>.
const (
	CodeInvalidParameter = 20001 // missing or invalid parameter
	CodeAuthenticate     = 20003 // bad credentials or closed account
	CodeAccountNotActive = 20005 // a suspended account's own credentials
	CodeNotFound         = 20404 // no such resource
	CodeMethodNotAllowed = 20004 // method not allowed on this path
	CodeConflict         = 54301 // unique name already taken (Sync's code; most APIs answer 409)
	CodeTooManyRequests  = 20429 // rate limited
	CodeServiceUnavail   = 20500 // internal error / unavailable
	// CodeSubaccountLimit: "Reached maximum number of subaccounts".
	CodeSubaccountLimit = 21480
	// CodeNestedSubaccount: "Subaccounts cannot contain subaccounts".
	CodeNestedSubaccount = 21101
	CodeForbidden        = 20403 // permission denied (parent-only actions)
)

// apiError is a Twilio REST error body.
type apiError struct {
	Code     int    `json:"code"`
	Message  string `json:"message"`
	MoreInfo string `json:"more_info"`
	Status   int    `json:"status"`
	// Details, when Twilio gives them (Studio's validation failures).
	Details map[string]any `json:"details,omitempty"`
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %d: %s", e.Status, e.Code, e.Message) }

func newErr(status, code int, format string, args ...any) *apiError {
	return &apiError{
		Code:     code,
		Message:  fmt.Sprintf(format, args...),
		MoreInfo: "https://www.twilio.com/docs/errors/" + strconv.Itoa(code),
		Status:   status,
	}
}

func errNotFound(path string) *apiError {
	return newErr(http.StatusNotFound, CodeNotFound, "The requested resource %s was not found", path)
}

func errParam(format string, args ...any) *apiError {
	return newErr(http.StatusBadRequest, CodeInvalidParameter, format, args...)
}

func writeErr(w http.ResponseWriter, e *apiError) {
	writeJSON(w, e.Status, e)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // Twilio sends "&" in page URLs as is
	if err := enc.Encode(v); err != nil {
		status = http.StatusInternalServerError
		buf.Reset()
		_ = enc.Encode(newErr(status, CodeServiceUnavail, "encode response: %v", err))
	}
	b := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
