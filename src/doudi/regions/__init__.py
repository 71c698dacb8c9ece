"""Administrative divisions (行政区划): the 12-digit code tree every other record hangs from."""
