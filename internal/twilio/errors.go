package twilio

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/twilio/twilio-go/client"
)

// APIError is an error answer from Twilio.
type APIError struct {
	Status   int // HTTP status
	Code     int // Twilio error code (20003: authentication failed)
	Message  string
	MoreInfo string
	// Details are the error's details when Twilio gives them: Studio's
	// validation failures ({"errors": [{"message", "property_path"}]}).
	Details map[string]any
}

func (e *APIError) Error() string {
	s := fmt.Sprintf("Twilio error %d (HTTP %d): %s", e.Code, e.Status, e.Message)
	if f := e.failures(); f != "" {
		s += ": " + f
	}
	if e.MoreInfo != "" {
		s += " (" + e.MoreInfo + ")"
	}
	return s
}

// failures renders Details' list of errors, "where: what; ...", so the
// message names what to fix; "" when there is none.
func (e *APIError) failures() string {
	errs, _ := e.Details["errors"].([]any)
	var parts []string
	for _, x := range errs {
		m, _ := x.(map[string]any)
		msg, _ := m["message"].(string)
		if msg == "" {
			continue
		}
		if at, _ := m["property_path"].(string); at != "" {
			msg = at + ": " + msg
		}
		parts = append(parts, msg)
	}
	return strings.Join(parts, "; ")
}

// NotFound reports whether err is Twilio's 404.
func NotFound(err error) bool {
	var e *APIError
	return errors.As(err, &e) && e.Status == http.StatusNotFound
}

// decode turns twilio-go's two error types (the 2010 and v1 APIs' bodies)
// into an *APIError; other errors (the connection's) pass unchanged.
func decode(err error) error {
	var te *client.TwilioRestError
	if errors.As(err, &te) {
		return &APIError{Status: te.Status, Code: te.Code, Message: te.Message, MoreInfo: te.MoreInfo, Details: te.Details}
	}
	var ve *client.RestErrorV1
	if errors.As(err, &ve) {
		return &APIError{Status: ve.HttpStatusCode, Code: ve.Code, Message: ve.Message}
	}
	return err
}

// ResponseError is the *APIError of an error answer to a request sent
// without twilio-go (HTTPClient's multipart uploads): Twilio's JSON error
// body when there is one, else the body's text.
func ResponseError(status int, body []byte) *APIError {
	e := &APIError{Status: status}
	var b struct {
		Code     int            `json:"code"`
		Message  string         `json:"message"`
		MoreInfo string         `json:"more_info"`
		Details  map[string]any `json:"details"`
	}
	if json.Unmarshal(body, &b) == nil && b.Message != "" {
		e.Code, e.Message, e.MoreInfo, e.Details = b.Code, b.Message, b.MoreInfo, b.Details
	} else {
		e.Message = strings.TrimSpace(string(body))
	}
	return e
}
