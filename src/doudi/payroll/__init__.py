"""Monthly payrolls under three-party control (三方制约): civil affairs prepares and submits,
finance approves, the bank pays and returns its results; exact to the fen."""
