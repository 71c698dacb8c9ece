"""The household registry (一户一档): households, members, incomes, rigid spending, assets, files."""
