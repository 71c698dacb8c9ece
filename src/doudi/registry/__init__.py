"""The household registry (一户一档): households, members, incomes, spending, assets, files."""
