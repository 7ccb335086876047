"""Views of the web interface, one module per screen group; each is thin (read, build an action, render)."""
