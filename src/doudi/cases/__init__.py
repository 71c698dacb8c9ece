"""Case handling: applications, each programme's procedure, deadlines and decisions (issue 5)."""
