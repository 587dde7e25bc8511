package deployment

// GenProject is genProject for the external tests (the CLI benchmark).
var GenProject = genProject
