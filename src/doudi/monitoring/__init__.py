"""The monitored low-income population (低收入人口库): 低保, 特困, 低保边缘 and rigid-spending
households and those at risk of returning to poverty, each entry dated with its reason, kept
current from the benefits in force and the latest whole-place evaluation."""
