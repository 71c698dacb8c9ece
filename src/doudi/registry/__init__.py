"""The household registry (一户一档): 共同生活家庭, members, incomes, rigid spending, assets, files."""
