// Package layout holds no code: its test keeps the house's import rules,
// the ones ARCHITECTURE.md draws. Pure packages reach no outside system;
// twilio-go is imported by internal/twilio alone, go-github by
// internal/github alone; the flow (internal/action) is handed both by
// cmd/action. A new package fails the test until it is given a role.
package layout
