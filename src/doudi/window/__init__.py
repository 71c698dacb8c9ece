"""The one window (一门受理): one intake, every need routed to a programme or a department."""
