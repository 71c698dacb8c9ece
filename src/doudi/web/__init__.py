"""The server-rendered pages: log-in, home, language switch, error pages, shared layout."""
