package emulator

import "net/http"

// afterCreate applies product rules to a new object before it is stored.
func (s *Server) afterCreate(c *call, o *object) *apiError { return nil }

// beforeUpdate applies product rules to an update before it is merged.
func (s *Server) beforeUpdate(c *call, o *object, fields map[string]any) *apiError { return nil }

// serveUpload serves the serverless-upload host.
func (c *call) serveUpload() *apiError {
	return newErr(http.StatusNotFound, CodeNotFound, "not implemented yet")
}
